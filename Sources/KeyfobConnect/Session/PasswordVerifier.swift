import KeyfobCore

/// Checks an owner's password against its stored hash. Injected, so the core stays free of the
/// bcrypt implementation the server links.
public protocol PasswordVerifier: Sendable {
    /// Whether `password` matches `hash`. Throws `StoreUnavailableError` when too many are being
    /// checked at once (load shedding: the check is deliberately slow).
    func verify(_ password: String, hash: String) async throws -> Bool
    /// A hash of the same cost as owners' that no password is known to match: checked instead
    /// when the email has no account, so both answers take the same time.
    var decoyHash: String { get }
}
