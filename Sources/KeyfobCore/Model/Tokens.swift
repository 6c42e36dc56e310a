import Foundation

/// A stored access token. Only the digest of the token text is kept.
public struct AccessToken: Sendable, Equatable {
    /// SHA-256 of the token text.
    public var digest: SecretDigest
    /// The owner's grant; nil for application tokens.
    public var grantID: UUID?
    /// The client it was issued to.
    public var applicationID: UUID
    /// Permissions of an application token (a user token takes its grant's).
    public var scope: [String]
    /// When it stops working.
    public var expiresAt: Date
    /// Set by a replay, a late reuse or a revocation.
    public var revoked: Bool

    /// Makes an access token record.
    public init(
        digest: SecretDigest, grantID: UUID?, applicationID: UUID, scope: [String] = [],
        expiresAt: Date, revoked: Bool = false
    ) {
        self.digest = digest
        self.grantID = grantID
        self.applicationID = applicationID
        self.scope = scope
        self.expiresAt = expiresAt
        self.revoked = revoked
    }
}

/// The digests and lifetimes of a token pair about to be written. The store adds the token family
/// (the code it descends from), grant and application from the code or refresh token being spent,
/// inside the same transaction.
public struct PairToIssue: Sendable, Equatable {
    /// SHA-256 of the new access token.
    public var accessDigest: SecretDigest
    /// When the new access token expires.
    public var accessExpiresAt: Date
    /// SHA-256 of the new refresh token.
    public var refreshDigest: SecretDigest
    /// When the new refresh token expires.
    public var refreshExpiresAt: Date

    /// Makes a pair description.
    public init(accessDigest: SecretDigest, accessExpiresAt: Date, refreshDigest: SecretDigest, refreshExpiresAt: Date) {
        self.accessDigest = accessDigest
        self.accessExpiresAt = accessExpiresAt
        self.refreshDigest = refreshDigest
        self.refreshExpiresAt = refreshExpiresAt
    }
}

/// An access token that checked out for an API call, with the grant it opens.
public struct BearerAccess: Sendable, Equatable {
    /// The access token record.
    public var token: AccessToken
    /// The owner's grant; nil for an application token.
    public var grant: Grant?

    /// Pairs a token with its grant.
    public init(token: AccessToken, grant: Grant?) {
        self.token = token
        self.grant = grant
    }
}
