import Foundation

/// What becomes of a refresh token presented at the token endpoint (RFC 6749 §6, docs/contract.md
/// §2, RFC 9700 §4.14): decided here, once, from the stored state and the clock; each store only
/// reads the state and carries the verdict out in its transaction.
public enum RefreshRotationRule {
    /// What the rule needs of a stored refresh token.
    public struct Stored: Sendable, Equatable {
        public var applicationID: UUID
        public var revoked: Bool
        public var usedAt: Date?
        public var expiresAt: Date
        /// The DPoP key it is bound to (a public client's, RFC 9449 §5); nil when unbound.
        public var boundKey: String?

        public init(applicationID: UUID, revoked: Bool, usedAt: Date?, expiresAt: Date, boundKey: String? = nil) {
            self.applicationID = applicationID
            self.revoked = revoked
            self.usedAt = usedAt
            self.expiresAt = expiresAt
            self.boundKey = boundKey
        }
    }

    /// The verdict.
    public enum Verdict: Sendable, Equatable {
        /// First use: mark it used and issue the successor pair.
        case rotate
        /// Used before, inside the grace window: answer the same pair again (a retry after a lost
        /// answer, or two instances of the app refreshing at once), writing nothing.
        case repeatFirstUse(firstUsedAt: Date)
        /// Used again after the grace window: two parties hold it, so the whole family is revoked.
        case reuse
        /// Revoked earlier (a replay, a reuse, a revocation).
        case revoked
        /// Past its 60 days.
        case expired
        /// No such token, or another client's (left untouched).
        case unknown
        /// Bound to a DPoP key the request did not prove: whoever sent it lacks the key, so
        /// nothing is spent or revoked.
        case keyMismatch
    }

    /// Judges `token` (nil when no token has the presented digest) presented by `client` at `now`
    /// with a DPoP proof of `presentedKey` (nil without one).
    public static func verdict(
        for token: Stored?,
        presentedBy client: UUID,
        presentedKey: String? = nil,
        at now: Date,
        grace: TimeInterval
    ) -> Verdict {
        guard let token, token.applicationID == client else { return .unknown }
        if let bound = token.boundKey, bound != presentedKey { return .keyMismatch }
        guard !token.revoked else { return .revoked }
        if let usedAt = token.usedAt {
            return now.timeIntervalSince(usedAt) <= grace ? .repeatFirstUse(firstUsedAt: usedAt) : .reuse
        }
        guard token.expiresAt > now else { return .expired }
        return .rotate
    }
}

extension RefreshRotationRule.Verdict {
    /// The outcome a store answers for a verdict that writes no pair (`rotate` becomes `.rotated`
    /// and `repeatFirstUse` `.repeated` with what the first use issued).
    public var refusal: RefreshRotation {
        switch self {
        case .reuse: .reused
        case .revoked: .revoked
        case .expired: .expired
        case .keyMismatch: .keyMismatch
        case .unknown, .rotate, .repeatFirstUse: .unknown
        }
    }
}
