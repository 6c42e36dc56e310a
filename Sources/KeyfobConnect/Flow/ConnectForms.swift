import Foundation
import KeyfobCore

/// The login form as the owner sent it, in the flow's own terms: the HTTP layer reads the page's
/// field names, the flow never does.
public struct LoginForm: Sendable, Equatable {
    /// The anti-CSRF token the form carried, if any.
    public var csrfToken: String?
    /// The email typed, trimmed of spaces.
    public var email: String
    /// The password typed.
    public var password: String

    /// Makes a login form.
    public init(csrfToken: String?, email: String, password: String) {
        self.csrfToken = csrfToken
        self.email = email.trimmingCharacters(in: .whitespaces)
        self.password = password
    }
}

/// The grant form as the owner sent it: Allow or Deny, and what was ticked.
public struct GrantDecision: Sendable, Equatable {
    /// The button pressed.
    public enum Choice: Sendable, Equatable {
        case allow
        case deny
    }

    /// The anti-CSRF token the form carried, if any.
    public var csrfToken: String?
    /// The button pressed; nil when the form named neither.
    public var choice: Choice?
    /// The vehicles ticked (or the one chosen under single select).
    public var vehicleIDs: Set<UUID>
    /// The permissions ticked; required ones count whatever the form says.
    public var permissions: Set<String>

    /// Makes a decision.
    public init(csrfToken: String?, choice: Choice?, vehicleIDs: Set<UUID>, permissions: Set<String>) {
        self.csrfToken = csrfToken
        self.choice = choice
        self.vehicleIDs = vehicleIDs
        self.permissions = permissions
    }
}
