/// Checks an owner's password against its stored hash. Injected, so the core stays free of the
/// bcrypt implementation the server links.
public protocol PasswordVerifier: Sendable {
    /// Whether `password` matches `hash`.
    func verify(_ password: String, hash: String) -> Bool
}
