import Foundation
import NIOHTTP1

/// The vehicle's data and commands (docs/contract.md §7), typed.
extension VehicleAPIClient {
    /// `sc-unit-system`: metric (km, kPa, litres) or imperial (miles, psi, US gallons).
    public enum UnitSystem: String, Sendable, Equatable {
        case metric, imperial
    }

    /// What the answer's headers say about its data.
    public struct Meta: Sendable, Equatable {
        /// When the vehicle recorded the value (`sc-data-age`).
        public var dataAge: Date?
        /// When Keyfob read it (`sc-fetched-at`).
        public var fetchedAt: Date?
        /// The units the value is in.
        public var unitSystem: UnitSystem?
        /// `sc-request-id`.
        public var requestID: String?

        init(_ headers: [String: String]) {
            dataAge = headers["sc-data-age"].flatMap { try? Date($0, strategy: .iso8601) }
            fetchedAt = headers["sc-fetched-at"].flatMap { try? Date($0, strategy: .iso8601) }
            unitSystem = headers["sc-unit-system"].flatMap(UnitSystem.init(rawValue:))
            requestID = headers["sc-request-id"]
        }
    }

    /// A value with its meta.
    public struct Reading<Value: Sendable & Decodable & Equatable>: Sendable, Equatable {
        public var value: Value
        public var meta: Meta
    }

    public struct Odometer: Sendable, Decodable, Equatable { public var distance: Double }
    public struct Location: Sendable, Decodable, Equatable {
        public var latitude: Double
        public var longitude: Double
    }
    public struct Battery: Sendable, Decodable, Equatable {
        public var percentRemaining: Double
        public var range: Double
    }
    public struct Charge: Sendable, Decodable, Equatable {
        public var isPluggedIn: Bool
        /// `CHARGING`, `FULLY_CHARGED` or `NOT_CHARGING`.
        public var state: String
    }
    public struct ChargeLimit: Sendable, Decodable, Equatable { public var limit: Double }
    public struct Fuel: Sendable, Decodable, Equatable {
        public var range: Double
        public var percentRemaining: Double
        public var amountRemaining: Double
    }
    public struct TirePressure: Sendable, Decodable, Equatable {
        public var frontLeft: Double
        public var frontRight: Double
        public var backLeft: Double
        public var backRight: Double
    }
    public struct LockStatus: Sendable, Decodable, Equatable {
        public struct Part: Sendable, Decodable, Equatable {
            public var type: String
            public var status: String
        }
        public var isLocked: Bool
        public var doors: [Part]
        public var windows: [Part]
        public var sunroof: [Part]
        public var storage: [Part]
        public var chargingPort: [Part]
    }
    /// A command's answer.
    public struct ActionResult: Sendable, Decodable, Equatable {
        public var status: String
        public var message: String
    }

    public func odometer(vehicleID: String, accessToken: String, units: UnitSystem = .metric) async throws -> Reading<Odometer> {
        try await read("odometer", vehicleID, accessToken, units)
    }
    public func location(vehicleID: String, accessToken: String) async throws -> Reading<Location> {
        try await read("location", vehicleID, accessToken, .metric)
    }
    public func battery(vehicleID: String, accessToken: String, units: UnitSystem = .metric) async throws -> Reading<Battery> {
        try await read("battery", vehicleID, accessToken, units)
    }
    public func charge(vehicleID: String, accessToken: String) async throws -> Reading<Charge> {
        try await read("charge", vehicleID, accessToken, .metric)
    }
    public func chargeLimit(vehicleID: String, accessToken: String) async throws -> Reading<ChargeLimit> {
        try await read("charge/limit", vehicleID, accessToken, .metric)
    }
    public func fuel(vehicleID: String, accessToken: String, units: UnitSystem = .metric) async throws -> Reading<Fuel> {
        try await read("fuel", vehicleID, accessToken, units)
    }
    public func tirePressure(vehicleID: String, accessToken: String, units: UnitSystem = .metric) async throws -> Reading<TirePressure> {
        try await read("tires/pressure", vehicleID, accessToken, units)
    }
    public func lockStatus(vehicleID: String, accessToken: String) async throws -> Reading<LockStatus> {
        try await read("security", vehicleID, accessToken, .metric)
    }

    public func lock(vehicleID: String, accessToken: String) async throws -> ActionResult {
        try await command("security", ["action": "LOCK"], vehicleID, accessToken)
    }
    public func unlock(vehicleID: String, accessToken: String) async throws -> ActionResult {
        try await command("security", ["action": "UNLOCK"], vehicleID, accessToken)
    }
    public func startCharge(vehicleID: String, accessToken: String) async throws -> ActionResult {
        try await command("charge", ["action": "START"], vehicleID, accessToken)
    }
    public func stopCharge(vehicleID: String, accessToken: String) async throws -> ActionResult {
        try await command("charge", ["action": "STOP"], vehicleID, accessToken)
    }
    /// Sets where charging stops, 0.5–1.
    public func setChargeLimit(_ limit: Double, vehicleID: String, accessToken: String) async throws -> ActionResult {
        try await command("charge/limit", ["limit": limit], vehicleID, accessToken)
    }
    public func sendDestination(latitude: Double, longitude: Double, vehicleID: String, accessToken: String) async throws -> ActionResult {
        try await command("navigation/destination", ["latitude": latitude, "longitude": longitude], vehicleID, accessToken)
    }

    /// One entry of a batch answer: decode it as the type of its path, or get its error.
    public struct BatchItem: Sendable {
        /// The path as sent.
        public var path: String
        /// Its own status.
        public var status: Int
        let headers: [String: String]
        let body: Data
        let requestID: String?

        /// The entry's value, or its error as the call on its own would have thrown it.
        public func decode<Value: Sendable & Decodable & Equatable>(_ type: Value.Type) throws -> Reading<Value> {
            guard status == 200 else { throw KeyfobClientError.api(status: status, body: body, requestID: requestID, retryAfter: nil) }
            do {
                var headers = headers
                headers["sc-request-id"] = headers["sc-request-id"] ?? requestID
                return Reading(value: try JSONDecoder().decode(Value.self, from: body), meta: Meta(headers))
            } catch {
                throw KeyfobClientError.unexpectedResponse(status: status, body: String(decoding: body.prefix(512), as: UTF8.self))
            }
        }
    }

    /// Several reads in one request (at most 25): each answered with its own status.
    public func batch(_ paths: [String], vehicleID: String, accessToken: String, units: UnitSystem = .metric) async throws -> [BatchItem] {
        struct Entry: Decodable {
            let path: String
            let code: Int
            let headers: [String: String]?
            let body: RawJSON
        }
        struct Answer: Decodable { let responses: [Entry] }
        let body = try JSONSerialization.data(withJSONObject: ["requests": paths.map { ["path": $0] }])
        let (answer, headers) = try await exchange(
            .POST,
            "/vehicles/\(FormEncoding.escape(vehicleID))/batch",
            accessToken,
            headers: [("sc-unit-system", units.rawValue)],
            json: body,
            as: Answer.self
        )
        let requestID = headers.first(name: "sc-request-id")
        return answer.responses.map {
            BatchItem(path: $0.path, status: $0.code, headers: $0.headers ?? [:], body: $0.body.data, requestID: requestID)
        }
    }

    private func read<Value: Sendable & Decodable & Equatable>(
        _ path: String,
        _ vehicleID: String,
        _ token: String,
        _ units: UnitSystem
    ) async throws -> Reading<Value> {
        let (value, headers) = try await exchange(
            .GET,
            "/vehicles/\(FormEncoding.escape(vehicleID))/\(path)",
            token,
            headers: [("sc-unit-system", units.rawValue)],
            as: Value.self
        )
        let names = ["sc-data-age", "sc-fetched-at", "sc-unit-system", "sc-request-id"]
        return Reading(
            value: value,
            meta: Meta(Dictionary(uniqueKeysWithValues: names.compactMap { name in headers.first(name: name).map { (name, $0) } }))
        )
    }

    private func command(_ path: String, _ body: [String: any Sendable], _ vehicleID: String, _ token: String) async throws -> ActionResult {
        let json = try JSONSerialization.data(withJSONObject: body)
        return try await exchange(.POST, "/vehicles/\(FormEncoding.escape(vehicleID))/\(path)", token, json: json, as: ActionResult.self).value
    }
}

/// A JSON value kept as its bytes, to be decoded later as the type its batch path names.
struct RawJSON: Decodable {
    let data: Data

    init(from decoder: any Decoder) throws {
        data = try JSONSerialization.data(withJSONObject: try Self.value(decoder.singleValueContainer()), options: [.fragmentsAllowed])
    }

    private static func value(_ container: any SingleValueDecodingContainer) throws -> Any {
        if container.decodeNil() { return NSNull() }
        if let bool = try? container.decode(Bool.self) { return bool }
        if let number = try? container.decode(Double.self) { return number }
        if let text = try? container.decode(String.self) { return text }
        if let array = try? container.decode([RawJSON].self) {
            return try array.map { try JSONSerialization.jsonObject(with: $0.data, options: [.fragmentsAllowed]) }
        }
        let object = try container.decode([String: RawJSON].self)
        return try object.mapValues { try JSONSerialization.jsonObject(with: $0.data, options: [.fragmentsAllowed]) }
    }
}
