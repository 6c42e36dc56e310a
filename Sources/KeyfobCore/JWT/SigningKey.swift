import Crypto
import Foundation

/// A stored signing key for JWT access tokens: an ES256 (P-256) key whose private half is sealed
/// with the `KeyEncryptionKey`, shared by every instance through the store.
public struct SigningKeyRecord: Sendable, Equatable {
    /// The key id (`kid`): the public key's RFC 7638 thumbprint.
    public var kid: String
    /// Its public coordinates, base64url.
    public var x: String
    public var y: String
    /// The private key's raw bytes, sealed.
    public var sealedPrivateKey: Data
    /// When it was made; the newest key signs.
    public var createdAt: Date

    public init(kid: String, x: String, y: String, sealedPrivateKey: Data, createdAt: Date) {
        self.kid = kid
        self.x = x
        self.y = y
        self.sealedPrivateKey = sealedPrivateKey
        self.createdAt = createdAt
    }

    /// A new key made at `now`, sealed with `kek`.
    public static func generate(sealedWith kek: KeyEncryptionKey, at now: Date) throws -> SigningKeyRecord {
        let key = P256.Signing.PrivateKey()
        let raw = key.publicKey.rawRepresentation
        let x = Data(raw.prefix(32)).base64URLEncodedString()
        let y = Data(raw.suffix(32)).base64URLEncodedString()
        let kid = JWKThumbprint.ellipticCurve(crv: "P-256", x: x, y: y)
        return SigningKeyRecord(kid: kid, x: x, y: y, sealedPrivateKey: try kek.seal(key.rawRepresentation, kid: kid), createdAt: now)
    }

    /// Which keys are in use at `now`, newest first: the newest signs; each older one is kept
    /// for verifying until `tokenLifetime` after the key that replaced it was made, since no
    /// token it signed lives longer.
    public static func published(_ keys: [SigningKeyRecord], at now: Date, tokenLifetime: TimeInterval) -> [SigningKeyRecord] {
        let newestFirst = keys.sorted { $0.createdAt > $1.createdAt }
        return newestFirst.enumerated().filter { index, _ in
            index == 0 || newestFirst[index - 1].createdAt + tokenLifetime > now
        }.map(\.element)
    }
}

/// Signing keys, shared by every instance.
public protocol SigningKeyStore: Sendable {
    /// Stores a new key.
    func insertSigningKey(_ key: SigningKeyRecord) async throws
    /// Every stored key, whatever its age.
    func signingKeys() async throws -> [SigningKeyRecord]
}
