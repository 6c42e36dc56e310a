import Foundation

/// A stored access token. Only the digest of the token text is kept.
public struct AccessToken: Sendable, Equatable {
    /// SHA-256 of the token text.
    public var digest: SecretDigest
    /// The owner's grant; nil for application tokens.
    public var consentID: UUID?
    /// The client it was issued to.
    public var applicationID: UUID
    /// Permissions of an application token (a user token takes its grant's).
    public var scope: [String]
    /// When it stops working.
    public var expiresAt: Date
    /// Set by a replay, a late reuse or a revocation.
    public var revoked: Bool
    /// The RFC 7638 thumbprint of the DPoP key it is bound to (RFC 9449 `cnf.jkt`); nil for a
    /// bearer token.
    public var keyThumbprint: String?

    /// Makes an access token record.
    public init(
        digest: SecretDigest,
        consentID: UUID?,
        applicationID: UUID,
        scope: [String] = [],
        expiresAt: Date,
        revoked: Bool = false,
        keyThumbprint: String? = nil
    ) {
        self.digest = digest
        self.consentID = consentID
        self.applicationID = applicationID
        self.scope = scope
        self.expiresAt = expiresAt
        self.revoked = revoked
        self.keyThumbprint = keyThumbprint
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
    /// A narrower scope for the new access token (RFC 6749 §6); nil gives it the grant's. The new
    /// refresh token always keeps the grant's scope.
    public var accessScope: [String]?
    /// The thumbprint of the DPoP key the request proved (RFC 9449): the new access token is
    /// bound to it, and a DPoP-bound refresh token being spent must be bound to it too.
    public var boundKey: String?
    /// Whether the new refresh token is bound to `boundKey` as well: a public client's is, as it
    /// has no other credential (RFC 9449 §5).
    public var bindsRefreshToken: Bool

    /// Makes a pair description.
    public init(
        accessDigest: SecretDigest,
        accessExpiresAt: Date,
        refreshDigest: SecretDigest,
        refreshExpiresAt: Date,
        accessScope: [String]? = nil,
        boundKey: String? = nil,
        bindsRefreshToken: Bool = false
    ) {
        self.accessDigest = accessDigest
        self.accessExpiresAt = accessExpiresAt
        self.refreshDigest = refreshDigest
        self.refreshExpiresAt = refreshExpiresAt
        self.accessScope = accessScope
        self.boundKey = boundKey
        self.bindsRefreshToken = bindsRefreshToken && boundKey != nil
    }

    /// The thumbprint the new refresh token is bound to, if any.
    public var refreshKeyThumbprint: String? { bindsRefreshToken ? boundKey : nil }

    /// RFC 6749 §6: a refresh may narrow the scope, never widen it. The first asked permission the
    /// grant does not hold, or nil when the pair may be issued.
    public func scopeOutside(granted: [String]) -> String? {
        guard let accessScope else { return nil }
        let granted = Set(granted)
        return accessScope.first { !granted.contains($0) }
    }

    /// The scope the new access token carries, given its grant's permissions.
    public func effectiveScope(granted: [String]) -> [String] {
        AccessToken.effectiveScope(stored: accessScope ?? [], granted: granted)
    }

    /// The same, as the answer writes it, from the grant's space-separated permissions: passed on
    /// as they are unless the pair narrows them, so the common case splits nothing.
    public func answeredScope(granted: String) -> String {
        guard accessScope != nil else { return granted }
        return effectiveScope(granted: Permission.parseScope(granted)).joined(separator: " ")
    }
}

extension AccessToken {
    /// What a user token may do: its own narrower scope (from a refresh that asked for less)
    /// within its grant's permissions, or all of the grant's when it has none of its own.
    public static func effectiveScope(stored: [String], granted: [String]) -> [String] {
        guard !stored.isEmpty else { return granted }
        let narrowed = Set(stored)
        return granted.filter { narrowed.contains($0) }
    }
}

/// An access token that checked out for an API call, with the grant it opens.
public struct BearerAccess: Sendable, Equatable {
    /// The access token record.
    public var token: AccessToken
    /// The owner's grant; nil for an application token.
    public var grant: Consent?

    /// Pairs a token with its grant.
    public init(token: AccessToken, grant: Consent?) {
        self.token = token
        self.grant = grant
    }

    /// The permissions this token carries: an application token's own scope, or a user token's
    /// grant narrowed by the token's scope.
    public var permissions: [String] {
        guard let grant else { return token.scope }
        return AccessToken.effectiveScope(stored: token.scope, granted: grant.permissions)
    }
}
