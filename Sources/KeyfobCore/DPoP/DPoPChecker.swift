import Foundation

/// A DPoP proof's whole check: what it says (`DPoPProofVerifier`), the server nonce when the
/// server asks for them, and its `jti` never seen before on any instance (the store remembers).
public struct DPoPChecker: Sendable {
    let verifier = DPoPProofVerifier()
    let replays: any DPoPReplayStore
    let clock: any WallClock
    /// Set when proofs must carry a server nonce (`--dpop-nonces`).
    let nonces: DPoPNonces?

    /// Makes a checker; `nonces` nil accepts proofs without a nonce.
    public init(replays: any DPoPReplayStore, clock: any WallClock, nonces: DPoPNonces?) {
        self.replays = replays
        self.clock = clock
        self.nonces = nonces
    }

    /// The nonce to advertise in `DPoP-Nonce`, when nonces are on.
    public var currentNonce: String? { nonces?.current(at: clock.now) }

    /// Checks the `DPoP` header values a request carries. Returns the checked proof, or nil when
    /// the request carries none; throws `DPoPFailure` for a bad one, and for more than one.
    public func check(_ headerValues: [String], method: String, url: String, accessToken: String?) async throws -> DPoPProof? {
        guard let value = headerValues.first else { return nil }
        guard headerValues.count == 1 else { throw DPoPFailure.invalid("Send one DPoP header, not \(headerValues.count).") }
        let now = clock.now
        let proof = try await verifier.verify(value, method: method, url: url, accessToken: accessToken, at: now)
        if let nonces {
            guard let nonce = proof.nonce, nonces.accepts(nonce, at: now) else { throw DPoPFailure.useNonce(nonces.current(at: now)) }
        }
        // Last, so a proof refused for anything else does not spend its jti.
        let recorded = try await replays.recordDPoPProof(
            .of(proof.thumbprint + " " + proof.jti),
            expiresAt: proof.issuedAt + DPoPProofVerifier.maxAge + 1
        )
        guard recorded else { throw DPoPFailure.invalid("This DPoP proof was used before: make a new one, with a new jti, for every request.") }
        return proof
    }
}
