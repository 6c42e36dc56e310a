import Foundation
import KeyfobConnect
import KeyfobCore

/// `GET /v2.0/compatibility` (docs/contract.md §7): whether a VIN's vehicle can serve each
/// permission an app asks for, from the simulator's powertrain rules.
public enum Compatibility {
    /// The endpoint a permission opens, and whether a powertrain can answer it. Permissions Keyfob
    /// simulates no call for (climate, alerts, …) are not capable.
    static func capability(of permission: String, on powertrain: Powertrain) -> (endpoint: String, capable: Bool) {
        if let endpoint = VehicleEndpoint.allCases.first(where: { $0.permission == permission }) {
            return ("/" + endpoint.rawValue, endpoint.isAnswerable(by: powertrain))
        }
        switch permission {
        case "read_vehicle_info": return ("/", true)
        case "control_security": return ("/security", true)
        case "control_charge": return ("/charge", powertrain.hasBattery)
        case "control_navigation": return ("/navigation/destination", true)
        default: return ("", false)
        }
    }

    /// The answer's body for a VIN and a scope; a malformed VIN or an unknown permission is 400.
    public static func check(vin rawVIN: String?, scope rawScope: String?) throws(APIError) -> JSONValue {
        guard let vin = rawVIN?.uppercased(), VehicleSpec.isWellFormedVIN(vin) else {
            throw APIError(.validation, "vin must be 17 characters of A-Z and 0-9 without I, O, Q.", code: "PARAMETER")
        }
        let permissions = Permission.parseScope(rawScope ?? "")
        guard !permissions.isEmpty else { throw APIError(.validation, "scope must name at least one permission.", code: "PARAMETER") }
        if let unknown = permissions.first(where: { !Permission.isKnown($0) }) {
            throw APIError(.validation, "Unknown permission \(unknown.prefix(64)).", code: "PARAMETER")
        }
        let powertrain = VehicleProfile(vin: vin).powertrain
        let capabilities = permissions.map { permission -> JSONValue in
            let (endpoint, capable) = capability(of: permission, on: powertrain)
            return [
                "permission": .string(permission), "endpoint": .string(endpoint), "capable": .bool(capable),
                "reason": capable ? .null : "VEHICLE_NOT_COMPATIBLE",
            ]
        }
        let compatible = capabilities.allSatisfy { $0["capable"] == .bool(true) }
        return ["compatible": .bool(compatible), "reason": compatible ? .null : "VEHICLE_NOT_COMPATIBLE", "capabilities": .array(capabilities)]
    }
}
