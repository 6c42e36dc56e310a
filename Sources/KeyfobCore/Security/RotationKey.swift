import Crypto
import Foundation

/// The per-deployment secret from which a refresh rotation's new pair is derived.
///
/// CONTRACT §2: inside the grace window a used refresh token answers with the same pair its first
/// use returned, yet tokens are stored only as digests. Deriving the pair with HMAC-SHA-256 over the
/// used refresh token lets any instance that shares the key compute that pair again.
public struct RotationKey: Sendable {
    private let keyBytes: Data

    /// Wraps the key bytes read from the store (32 random bytes made at the first migration).
    public init(bytes: Data) {
        precondition(bytes.count >= 32, "the rotation key needs at least 256 bits")
        self.keyBytes = bytes
    }

    /// The access and refresh token texts that replace `refreshToken`.
    public func successors(of refreshToken: String) -> (accessToken: String, refreshToken: String) {
        let mac = Array(HMAC<SHA256>.authenticationCode(for: Data("keyfob-rotation-v1:\(refreshToken)".utf8), using: SymmetricKey(data: keyBytes)))
        return (UUIDText.versionFour(from: mac[0..<16]), UUIDText.versionFour(from: mac[16..<32]))
    }
}
