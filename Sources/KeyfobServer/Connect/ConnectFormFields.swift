import Foundation
import KeyfobConnect
import KeyfobCore

// The field names of the login and grant templates (`Templates/login.mustache`,
// `Templates/grant.mustache`), read here and nowhere else.

extension LoginForm {
    /// Reads the login page's fields: `csrf`, `email`, `password`.
    init(fields: [String: String]) {
        self.init(csrfToken: fields["csrf"], email: fields["email"] ?? "", password: fields["password"] ?? "")
    }
}

extension GrantDecision {
    /// Reads the grant page's fields: `csrf`; `action` (`allow` or `deny`); a vehicle as
    /// `vehicle_<id>=on` (checkboxes) or `vehicle=<id>` (radio buttons); `permission_<name>=on`.
    init(fields: [String: String]) {
        var vehicles = Set<UUID>()
        var permissions = Set<String>()
        for (name, value) in fields {
            if name == "vehicle", let id = UUID(text: value) {
                vehicles.insert(id)
            } else if value == "on", name.hasPrefix("vehicle_"), let id = UUID(text: String(name.dropFirst("vehicle_".count))) {
                vehicles.insert(id)
            } else if value == "on", name.hasPrefix("permission_") {
                permissions.insert(String(name.dropFirst("permission_".count)))
            }
        }
        let choice: Choice? =
            switch fields["action"] {
            case "allow": .allow
            case "deny": .deny
            default: nil
            }
        self.init(csrfToken: fields["csrf"], choice: choice, vehicleIDs: vehicles, permissions: permissions)
    }
}
