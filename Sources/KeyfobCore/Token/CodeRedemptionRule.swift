import Foundation

/// What becomes of an authorization code presented at the token endpoint: decided here, once,
/// from the stored record and the clock; each store only reads the record and carries the verdict
/// out in its transaction.
public enum CodeRedemptionRule {
    /// What the rule needs of a stored code.
    public struct Stored: Sendable, Equatable {
        public var applicationID: UUID
        public var consumedAt: Date?
        public var expiresAt: Date

        public init(applicationID: UUID, consumedAt: Date?, expiresAt: Date) {
            self.applicationID = applicationID
            self.consumedAt = consumedAt
            self.expiresAt = expiresAt
        }
    }

    /// The verdict.
    public enum Verdict: Sendable, Equatable {
        /// Spend it and issue the pair (after the grant's redirect-URI and PKCE checks).
        case consume
        /// Already spent: RFC 6749 §4.1.2 says the authorization server SHOULD revoke every token
        /// issued from it, since two parties hold the code.
        case replay
        /// Past its 10 minutes (docs/contract.md §1); nothing changes.
        case expired
        /// No such code, or another client's. Another client's stays usable by its owner, and a
        /// leaked code cannot be used to revoke another app's tokens.
        case unknown
    }

    /// Judges `code` (nil when no code has the presented digest) presented by `client` at `now`.
    public static func verdict(for code: Stored?, presentedBy client: UUID, at now: Date) -> Verdict {
        guard let code, code.applicationID == client else { return .unknown }
        if code.consumedAt != nil { return .replay }
        guard code.expiresAt > now else { return .expired }
        return .consume
    }
}

extension AuthorizationCode {
    /// What `CodeRedemptionRule` judges of this code.
    public var redemptionState: CodeRedemptionRule.Stored {
        .init(applicationID: applicationID, consumedAt: consumedAt, expiresAt: expiresAt)
    }
}

extension CodeRedemptionRule.Verdict {
    /// The outcome a store answers for a verdict that spends nothing (every one but `consume`,
    /// which becomes `.redeemed` once the pair is written).
    public var refusal: CodeRedemption {
        switch self {
        case .replay: .replayed
        case .expired: .expired
        case .unknown, .consume: .unknown
        }
    }
}
