import Foundation
import KeyfobCore

/// What a simulated vehicle is doing: the state `keyfob vehicles show` prints.
public enum VehicleActivity: String, Sendable, Codable, CaseIterable {
    case parked = "PARKED"
    case driving = "DRIVING"
    case charging = "CHARGING"
}

/// A simulated vehicle's stored state: its values at one moment (`since`) and what it has been
/// doing from then on. Every later value follows from these and the clock (`snapshot(at:)`), so
/// the store is written only when something changes the course: a command, a trip starting or
/// stopping, the CLI. Codable, because the stores keep it as one JSON document per vehicle.
public struct VehicleState: Sendable, Codable, Equatable {
    /// The moment the values below were true.
    public var since: Date
    /// What the vehicle has been doing since then.
    public var activity: VehicleActivity
    /// The odometer at `since`, km.
    public var odometerKm: Double
    /// State of charge at `since`, 0–1.
    public var battery: Double
    /// Tank level at `since`, 0–1.
    public var fuel: Double
    /// Position at `since`, degrees.
    public var latitude: Double
    public var longitude: Double
    /// The direction of travel, degrees clockwise from north.
    public var heading: Double
    public var isLocked: Bool
    public var isPluggedIn: Bool
    /// Charging stops here, 0.5–1.
    public var chargeLimit: Double
    /// A powertrain chosen by hand (`keyfob vehicles set --powertrain`); nil is the VIN's.
    public var powertrain: Powertrain?
    /// The last destination sent (`POST /navigation/destination`).
    public var destination: Coordinate?

    /// The state a vehicle has before anything happened to it: parked at home, locked, unplugged,
    /// since the simulator's epoch, so it is the same on every instance.
    public init(profile: VehicleProfile) {
        since = Self.epoch
        activity = .parked
        odometerKm = profile.initialOdometerKm
        battery = profile.initialBattery
        fuel = profile.initialFuel
        latitude = profile.home.latitude
        longitude = profile.home.longitude
        heading = profile.heading
        isLocked = true
        isPluggedIn = false
        chargeLimit = 0.8
    }

    /// When every simulated vehicle's history begins: 2026-01-01T00:00:00Z.
    public static let epoch = Date(timeIntervalSince1970: 1_767_225_600)
}

extension VehicleState {
    /// The JSON document the stores keep (times as Unix seconds, so nothing is lost in rounding).
    public func storedJSON() -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        // A struct of numbers, strings and enums always encodes.
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// A stored document read back; a document that does not decode is a store fault.
    public init(storedJSON text: String) throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            self = try decoder.decode(VehicleState.self, from: Data(text.utf8))
        } catch {
            throw StoreUnavailableError("a stored vehicle state does not decode: \(error)")
        }
    }
}
