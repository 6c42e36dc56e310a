import KeyfobCore

/// Plain-words descriptions of Smartcar's permissions, for the grant screen.
public enum PermissionDescriptions {
    /// What granting `name` lets the application do.
    public static func describe(_ name: String) -> String {
        descriptions[name] ?? name
    }

    private static let descriptions: [String: String] = [
        "read_vehicle_info": "Know the make, model and year",
        "read_vin": "Read the VIN",
        "read_odometer": "Read the odometer",
        "read_location": "Access the location",
        "read_battery": "Read the EV battery's capacity and state of charge",
        "read_charge": "Know whether the vehicle is charging",
        "read_fuel": "Read the fuel tank level",
        "read_tires": "Read the tire pressure",
        "read_engine_oil": "Read the engine oil life",
        "read_security": "Know whether doors, windows and locks are secure",
        "read_thermometer": "Read temperatures from sensors",
        "read_speedometer": "Read the vehicle's speed",
        "read_compass": "Read the heading",
        "read_climate": "Read the climate settings",
        "read_alerts": "Read vehicle alerts",
        "read_diagnostics": "Read diagnostic trouble codes and system status",
        "read_extended_vehicle_info": "Read the vehicle's configuration and options",
        "read_service_history": "Read the service records",
        "read_user_profile": "Read your name, email and phone number",
        "read_charge_locations": "Read the charging locations",
        "read_charge_records": "Read the charging history",
        "read_charge_events": "Receive charging events",
        "control_security": "Lock and unlock the vehicle",
        "control_charge": "Start and stop charging, and set charge limits",
        "control_climate": "Change the climate settings",
        "control_navigation": "Send destinations to navigation",
        "control_pin": "Set and change the vehicle's PIN",
    ]
}
