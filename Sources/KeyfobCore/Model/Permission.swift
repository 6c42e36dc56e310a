/// Smartcar's permission names (docs/contract.md §3), the vocabulary of scopes and grants.
public enum Permission {
    /// Every permission name Keyfob knows, in Smartcar's order.
    public static let all: [String] = [
        "read_vehicle_info", "read_vin", "read_odometer", "read_location", "read_battery", "read_charge",
        "read_fuel", "read_tires", "read_engine_oil", "read_security", "read_thermometer",
        "read_speedometer", "read_compass", "read_climate", "read_alerts", "read_diagnostics",
        "read_extended_vehicle_info", "read_service_history", "read_user_profile",
        "read_charge_locations", "read_charge_records", "read_charge_events", "control_security",
        "control_charge", "control_climate", "control_navigation", "control_pin",
    ]

    private static let known = Set(all)

    /// Whether `name` is one of Smartcar's permission names.
    public static func isKnown(_ name: String) -> Bool { known.contains(name) }

    /// Splits a space-separated scope into names, dropping empty pieces (RFC 6749 §3.3).
    public static func parseScope(_ scope: String) -> [String] {
        scope.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    }

    /// Joins names into a scope string, keeping their order and dropping repeats.
    public static func scopeString(_ names: [String]) -> String {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }.joined(separator: " ")
    }
}
