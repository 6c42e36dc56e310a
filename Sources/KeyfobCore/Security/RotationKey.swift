import Crypto
import Foundation

/// The per-deployment secret from which a refresh rotation's new pair is derived.
///
/// docs/contract.md §2: inside the grace window a used refresh token answers with the same pair its first
/// use returned, yet tokens are stored only as digests. Deriving the pair with HMAC-SHA-256 over the
/// used refresh token lets any instance that shares the key compute that pair again.
public struct RotationKey: Sendable {
    /// Made once: building a `SymmetricKey` copies the bytes into zeroed-on-release storage, and
    /// every refresh derives a pair.
    private let key: SymmetricKey

    /// Wraps the key bytes read from the store (32 random bytes made at the first migration).
    public init(bytes: Data) {
        precondition(bytes.count >= 32, "the rotation key needs at least 256 bits")
        self.key = SymmetricKey(data: bytes)
    }

    /// The access and refresh token texts that replace `refreshToken`.
    public func successors(of refreshToken: String) -> (accessToken: String, refreshToken: String) {
        var mac = HMAC<SHA256>(key: key)
        mac.update(data: Self.domain)
        var refreshToken = refreshToken
        refreshToken.withUTF8 { mac.update(data: UnsafeRawBufferPointer($0)) }
        let code = Array(mac.finalize())
        return (UUIDText.versionFour(from: code[0..<16]), UUIDText.versionFour(from: code[16..<32]))
    }

    /// Separates this use of the key from any other.
    private static let domain = Array("keyfob-rotation-v1:".utf8)
}
