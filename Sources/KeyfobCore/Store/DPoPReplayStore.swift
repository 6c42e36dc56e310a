import Foundation

/// The DPoP proofs already accepted (RFC 9449 §11.1), shared by every instance so a proof
/// replayed to another one is caught too.
public protocol DPoPReplayStore: Sendable {
    /// Records a proof by the digest of its key's thumbprint and its `jti`, until `expiresAt`.
    /// False, recording nothing, when it was recorded before.
    func recordDPoPProof(_ digest: SecretDigest, expiresAt: Date) async throws -> Bool
}
