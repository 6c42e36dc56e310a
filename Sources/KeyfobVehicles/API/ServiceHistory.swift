import Foundation
import KeyfobConnect
import KeyfobCore

/// The dates `GET /service/history` filters by (`startDate`, `endDate`): the last year unless given.
public struct ServiceHistoryRange: Sendable, Equatable {
    public var start: Date
    public var end: Date

    /// Parses the query's `YYYY-MM-DD` or ISO 8601 dates; bad ones are 400 `PARAMETER`.
    public init(startDate: String?, endDate: String?, now: Date) throws(APIError) {
        end = try Self.date(endDate, named: "endDate") ?? now
        start = try Self.date(startDate, named: "startDate") ?? end - 365 * 86400
        guard start <= end else { throw APIError(.validation, "startDate must not be after endDate.", code: "PARAMETER") }
    }

    private static func date(_ text: String?, named name: String) throws(APIError) -> Date? {
        guard let text else { return nil }
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX")
        day.timeZone = TimeZone(identifier: "UTC")
        day.dateFormat = "yyyy-MM-dd"
        if text.count == 10, let date = day.date(from: text) { return date }
        let full = ISO8601DateFormatter()
        full.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = full.date(from: text) ?? ISO8601DateFormatter().date(from: text) { return date }
        throw APIError(.validation, "\(name) must be YYYY-MM-DD or an ISO 8601 time.", code: "PARAMETER")
    }
}

/// A vehicle's past services, derived from its profile: one every eight months before the
/// simulator's epoch, at the odometer readings it would have had.
struct ServiceHistory {
    let profile: VehicleProfile
    let vehicle: Vehicle

    func records(in range: ServiceHistoryRange, units: UnitSystem) -> [JSONValue] {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var records = [JSONValue]()
        for index in 0..<6 {
            let odometer = profile.initialOdometerKm - Double(index) * 11_000
            guard odometer > 1_000 else { break }
            let date = VehicleState.epoch - Double(index) * 240 * 86400 - 30 * 86400
            guard date >= range.start, date <= range.end else { continue }
            let tasks =
                profile.powertrain.hasTank
                ? ["Engine oil and filter change", "Tire rotation"] : ["Tire rotation", "Cabin air filter replacement"]
            records.append([
                "serviceId": .string("\(vehicle.vin)-\(index)"),
                "serviceDate": .string(format.string(from: date)),
                "odometerDistance": .number(units.distance(odometer)),
                "serviceTasks": .array(
                    tasks.enumerated().map { ["taskId": .string("\(index)-\($0.offset)"), "taskDescription": .string($0.element)] }
                ),
                "serviceDetails": [["type": "DEALER", "value": "Keyfob Motors"]],
                "serviceCost": ["totalCost": .number(profile.powertrain.hasTank ? 129.5 : 79), "currency": "USD"],
            ])
        }
        return records
    }
}
