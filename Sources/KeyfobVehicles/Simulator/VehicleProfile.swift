import Crypto
import Foundation
import KeyfobConnect

/// What drives a vehicle: what it can answer depends on it (fuel on a battery EV is 501).
public enum Powertrain: String, Sendable, Codable, CaseIterable {
    /// Battery electric: battery and charge, no fuel.
    case bev = "BEV"
    /// Plug-in hybrid: battery, charge and fuel; drives on the battery first.
    case phev = "PHEV"
    /// Combustion: fuel, no battery or charge.
    case ice = "ICE"

    /// Whether it has a traction battery (battery and charge calls, charge commands).
    public var hasBattery: Bool { self != .ice }
    /// Whether it has a tank (fuel calls).
    public var hasTank: Bool { self != .bev }
}

/// A vehicle's fixed traits, derived from its VIN alone, so every instance and every run derives
/// the same car: battery and tank size, consumption, where it lives, its odometer when the
/// simulator first saw it, tyre pressures and service record.
public struct VehicleProfile: Sendable, Equatable {
    /// The powertrain the VIN decodes to (a stored choice may override it).
    public var powertrain: Powertrain
    /// Usable battery capacity, kWh (0 for a combustion car).
    public var batteryCapacityKWh: Double
    /// Tank size, litres (0 for a battery EV).
    public var tankLitres: Double
    /// Energy used per km on the battery, kWh.
    public var kWhPerKm: Double
    /// Fuel used per km, litres.
    public var litresPerKm: Double
    /// Where the car starts, degrees.
    public var home: Coordinate
    /// The direction its trips head in, degrees clockwise from north.
    public var heading: Double
    /// Odometer, battery and fuel before anything happened to it.
    public var initialOdometerKm: Double
    public var initialBattery: Double
    public var initialFuel: Double
    /// Cold tyre pressures, kPa: front left, front right, back left, back right.
    public var tirePressuresKPa: [Double]
    /// Engine oil life left, 0–1.
    public var oilLife: Double

    /// Average speed on a trip, km/h: a mix of town and motorway.
    public static let tripSpeedKmh = 48.0
    /// Charging power, kW (a home wallbox).
    public static let chargerKW = 11.0

    /// Cities the simulated fleet lives in.
    static let homes: [(Double, Double)] = [
        (37.7749, -122.4194), (40.7128, -74.0060), (47.6062, -122.3321), (42.3601, -71.0589), (30.2672, -97.7431),
        (51.5074, -0.1278), (52.5200, 13.4050), (48.8566, 2.3522), (43.6532, -79.3832), (45.5017, -73.5673),
    ]

    /// The profile of a VIN.
    public init(vin: String) {
        let seed = Array(SHA256.hash(data: Data("keyfob-simulator:\(vin.uppercased())".utf8)))
        func fraction(_ index: Int) -> Double { Double(seed[index]) / 255 }
        let powertrain = Self.powertrain(vin: vin, seed: seed[0])
        self.powertrain = powertrain
        batteryCapacityKWh =
            switch powertrain {
            case .bev: (60 + 40 * fraction(1)).rounded()
            case .phev: (12 + 8 * fraction(1)).rounded()
            case .ice: 0
            }
        tankLitres =
            switch powertrain {
            case .bev: 0
            case .phev: (35 + 10 * fraction(2)).rounded()
            case .ice: (45 + 25 * fraction(2)).rounded()
            }
        kWhPerKm = 0.15 + 0.05 * fraction(3)
        litresPerKm = 0.055 + 0.035 * fraction(4)
        let city = Self.homes[Int(seed[5]) % Self.homes.count]
        home = Coordinate(latitude: city.0 + (fraction(6) - 0.5) * 0.1, longitude: city.1 + (fraction(7) - 0.5) * 0.1)
        heading = 360 * fraction(8)
        initialOdometerKm = (5_000 + 75_000 * fraction(9)).rounded()
        initialBattery = powertrain.hasBattery ? 0.4 + 0.5 * fraction(10) : 0
        initialFuel = powertrain.hasTank ? 0.3 + 0.6 * fraction(11) : 0
        tirePressuresKPa = (12..<16).map { (230 + 20 * fraction($0)).rounded() }
        oilLife = powertrain.hasTank ? 0.2 + 0.75 * fraction(16) : 1
    }

    /// A test VIN (`0SC…`) names its catalogue entry in its fourth character (`TestOwners`); a real
    /// VIN of a battery-only maker decodes as a BEV; any other VIN gets a powertrain from its hash.
    static func powertrain(vin: String, seed: UInt8) -> Powertrain {
        let vin = vin.uppercased()
        if let entry = TestOwners.catalogueEntry(vin: vin), let decoded = Powertrain(rawValue: entry.powertrain) { return decoded }
        // World manufacturer identifiers of makers that build only battery EVs: Tesla, Rivian, Lucid, Polestar.
        if ["5YJ", "7SA", "LRW", "XP7", "7PD", "7FC", "50E", "LPS", "YSM"].contains(String(vin.prefix(3))) { return .bev }
        switch seed % 10 {
        case 0..<5: return .ice
        case 5..<8: return .bev
        default: return .phev
        }
    }
}

/// A place, in degrees.
public struct Coordinate: Sendable, Codable, Equatable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
}
