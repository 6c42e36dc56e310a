import HummingbirdBcrypt
import KeyfobCore

/// Owner passwords are bcrypt hashes (`keyfob owners add`).
struct BcryptPasswordVerifier: PasswordVerifier {
    func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }
}
