import Foundation
import KeyfobConnect
import KeyfobCore

/// The data calls under `/v2.0/vehicles/{id}/` (docs/contract.md §7): the permission each needs
/// and the body it answers, in the shapes the official SDKs parse (the Python SDK's
/// `v2_response.py` names every field read here).
public enum VehicleEndpoint: String, Sendable, CaseIterable {
    case vin
    case odometer
    case location
    case battery
    case batteryCapacity = "battery/capacity"
    case nominalCapacity = "battery/nominal_capacity"
    case charge
    case chargeLimit = "charge/limit"
    case fuel
    case tirePressure = "tires/pressure"
    case engineOil = "engine/oil"
    case security
    case serviceHistory = "service/history"
    case systemStatus = "diagnostics/system_status"
    case troubleCodes = "diagnostics/dtcs"

    /// The permission the call needs.
    public var permission: String {
        switch self {
        case .vin: "read_vin"
        case .odometer: "read_odometer"
        case .location: "read_location"
        case .battery, .batteryCapacity, .nominalCapacity: "read_battery"
        case .charge, .chargeLimit: "read_charge"
        case .fuel: "read_fuel"
        case .tirePressure: "read_tires"
        case .engineOil: "read_engine_oil"
        case .security: "read_security"
        case .serviceHistory: "read_service_history"
        case .systemStatus, .troubleCodes: "read_diagnostics"
        }
    }

    /// Whether a powertrain can answer the call at all (else 501 `COMPATIBILITY`).
    public func isAnswerable(by powertrain: Powertrain) -> Bool {
        switch self {
        case .battery, .batteryCapacity, .nominalCapacity, .charge, .chargeLimit: powertrain.hasBattery
        case .fuel, .engineOil: powertrain.hasTank
        default: true
        }
    }

    /// The call's body for a vehicle's values.
    func body(
        _ values: VehicleSnapshot,
        _ vehicle: Vehicle,
        _ profile: VehicleProfile,
        _ units: UnitSystem,
        _ query: ServiceHistoryRange
    )
        -> JSONValue
    {
        switch self {
        case .vin: return ["vin": .string(vehicle.vin)]
        case .odometer: return ["distance": .number(units.distance(values.odometerKm))]
        case .location: return ["latitude": .number(rounded(values.latitude, 6)), "longitude": .number(rounded(values.longitude, 6))]
        case .battery:
            return ["percentRemaining": .number(rounded(values.battery, 2)), "range": .number(units.distance(values.batteryRangeKm))]
        case .batteryCapacity: return ["capacity": .number(capacity(values, profile))]
        case .nominalCapacity:
            let nominal = capacity(values, profile)
            return [
                "availableCapacities": [["capacity": .number(nominal), "description": .null]],
                "capacity": ["nominal": .number(nominal), "source": "SMARTCAR"],
                "url": .null,
            ]
        case .charge: return ["isPluggedIn": .bool(values.isPluggedIn), "state": .string(values.chargeState)]
        case .chargeLimit: return ["limit": .number(rounded(values.chargeLimit, 2))]
        case .fuel:
            return [
                "range": .number(units.distance(values.fuelRangeKm)),
                "percentRemaining": .number(rounded(values.fuel, 2)),
                "amountRemaining": .number(units.volume(values.fuelLitres)),
            ]
        case .tirePressure:
            let pressures = profile.tirePressuresKPa.map { JSONValue.number(units.pressure($0)) }
            return ["frontLeft": pressures[0], "frontRight": pressures[1], "backLeft": pressures[2], "backRight": pressures[3]]
        case .engineOil: return ["lifeRemaining": .number(rounded(profile.oilLife, 2))]
        case .security: return Self.security(values)
        case .serviceHistory: return .array(ServiceHistory(profile: profile, vehicle: vehicle).records(in: query, units: units))
        case .systemStatus: return ["systems": .array(Self.systems(values, profile))]
        case .troubleCodes: return ["activeCodes": .array([])]
        }
    }

    private func capacity(_ values: VehicleSnapshot, _ profile: VehicleProfile) -> Double {
        values.powertrain == profile.powertrain ? profile.batteryCapacityKWh : (values.powertrain == .bev ? 75 : 16)
    }

    private static func security(_ values: VehicleSnapshot) -> JSONValue {
        let lock: JSONValue = .string(values.isLocked ? "LOCKED" : "UNLOCKED")
        func parts(_ types: [String], _ status: JSONValue) -> JSONValue {
            .array(types.map { ["type": .string($0), "status": status] })
        }
        return [
            "isLocked": .bool(values.isLocked),
            "doors": parts(["FRONT_LEFT", "FRONT_RIGHT", "BACK_LEFT", "BACK_RIGHT"], lock),
            "windows": parts(["FRONT_LEFT", "FRONT_RIGHT", "BACK_LEFT", "BACK_RIGHT"], "CLOSED"),
            "sunroof": parts(["SUNROOF"], "CLOSED"),
            "storage": parts(["FRONT", "REAR"], lock),
            "chargingPort": values.powertrain.hasBattery ? parts(["CHARGING_PORT"], values.isPluggedIn ? "OPEN" : "CLOSED") : .array([]),
        ]
    }

    private static func systems(_ values: VehicleSnapshot, _ profile: VehicleProfile) -> [JSONValue] {
        var systems = ["SYSTEM_AIRBAG", "SYSTEM_BRAKE_FLUID", "SYSTEM_TPMS", "SYSTEM_LIGHTING"]
        if values.powertrain.hasBattery { systems.append("SYSTEM_EV_BATTERY_CONDITIONING") }
        if values.powertrain.hasTank { systems += ["SYSTEM_ENGINE", "SYSTEM_OIL_PRESSURE"] }
        return systems.map { id in
            let low = id == "SYSTEM_OIL_PRESSURE" && profile.oilLife < 0.25
            return ["systemId": .string(id), "status": low ? "ALERT" : "OK", "description": low ? "Oil change due soon" : .null]
        }
    }
}
