import HummingbirdBcrypt
import KeyfobConnect
import KeyfobCore

/// Owner passwords are bcrypt hashes (`keyfob owners add`).
struct BcryptPasswordVerifier: PasswordVerifier {
    /// The cost `keyfob owners add` hashes with.
    static let cost: UInt8 = 12

    func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }

    var decoyHash: String { Self.decoy }

    /// Made once per process, at the first unknown email, from a password nobody is told.
    private static let decoy = Bcrypt.hash(UUIDText.random(using: SystemRandomSource()), cost: cost)
}
