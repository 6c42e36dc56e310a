import Crypto
import Foundation

/// The key that seals signing keys' private halves before they are stored (AES-256-GCM), so a
/// copy of the database alone signs nothing. It comes from the environment or a file, never
/// from the database or the config file.
public struct KeyEncryptionKey: Sendable {
    let key: SymmetricKey

    /// Why a key could not be read.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Reads 32 bytes written as base64 (`openssl rand -base64 32`), surrounding whitespace ignored.
    public init(base64 text: String) throws {
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw Invalid(description: "the key encryption key must be 32 bytes in base64 (openssl rand -base64 32)")
        }
        key = SymmetricKey(data: bytes)
    }

    /// A new random key, for tests and for `keyfob keys new-kek`.
    public static func random() -> (key: KeyEncryptionKey, base64: String) {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let text = bytes.base64EncodedString()
        return (try! KeyEncryptionKey(base64: text), text)
    }

    /// Seals `secret`, bound to `kid` so a sealed key cannot be moved to another record.
    func seal(_ secret: Data, kid: String) throws -> Data {
        try AES.GCM.seal(secret, using: key, authenticating: Data(kid.utf8)).combined!
    }

    /// Opens what `seal` made for `kid`; throws when the key or the record is not the one sealed.
    func open(_ sealed: Data, kid: String) throws -> Data {
        try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Data(kid.utf8))
    }
}
