import Foundation

/// What happened to a code presented at the token endpoint.
public enum CodeRedemption: Sendable, Equatable {
    /// Consumed now; the pair was written in the same transaction. `scope` is what the owner
    /// granted, which RFC 6749 §5.1 requires the answer to state when it differs from the request,
    /// space-separated as the answer writes it (and as the SQLite store keeps it, so the writer
    /// passes it on untouched).
    case redeemed(consentID: UUID, scope: String)
    /// No such code, or one issued to another client (which is left untouched).
    case unknown
    /// Past its lifetime; nothing changed.
    case expired
    /// Already consumed: the family it issued is now revoked (RFC 6749 §4.1.2).
    case replayed
}

/// What happened to a refresh token presented at the token endpoint.
public enum RefreshRotation: Sendable, Equatable {
    /// First use: marked used, and the successor pair written in the same transaction. `scope` is
    /// the new access token's.
    case rotated(consentID: UUID, scope: String)
    /// Used before, inside the grace window: nothing written; the caller answers the same pair,
    /// which was issued at `firstUsedAt` with `scope`.
    case repeated(consentID: UUID, firstUsedAt: Date, scope: String)
    /// The pair asked for a permission the grant does not hold (RFC 6749 §6); nothing changed.
    case scopeExceeded(permission: String)
    /// No such token, or one of another client (left untouched).
    case unknown
    /// Past its lifetime.
    case expired
    /// Revoked earlier (replay, reuse, application deleted).
    case revoked
    /// Used again after the grace window: the whole family is now revoked (RFC 9700 §4.14).
    case reused
    /// Bound to a DPoP key the request did not prove (RFC 9449 §5); nothing changed.
    case keyMismatch
}

/// Which kind of token a revocation found.
public enum RevokedToken: Sendable, Equatable {
    case accessToken
    case refreshToken
}

/// What introspection needs to know of a refresh token.
public struct RefreshTokenState: Sendable, Equatable {
    /// The client it was issued to.
    public var applicationID: UUID
    /// Its grant, if it still exists.
    public var grant: Consent?
    /// When it expires.
    public var expiresAt: Date
    /// When it was first rotated, if it was.
    public var usedAt: Date?
    /// Whether its family was revoked.
    public var revoked: Bool

    /// Makes a state value.
    public init(applicationID: UUID, grant: Consent?, expiresAt: Date, usedAt: Date?, revoked: Bool) {
        self.applicationID = applicationID
        self.grant = grant
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.revoked = revoked
    }
}

/// Codes and tokens. Each method that changes more than one row is one transaction.
public protocol TokenStore: Sendable {
    /// Redeems a code for `client` and writes `pair` — or changes nothing.
    ///
    /// Throws `StaleClientError` when the client's record is no longer at `client.version`.
    /// `check` runs on the code record inside the transaction (redirect URI, PKCE); an error it
    /// throws leaves the code unconsumed and is rethrown.
    func redeem(
        code digest: SecretDigest,
        by client: ClientVersion,
        at now: Date,
        check: @escaping @Sendable (AuthorizationCode) throws(OAuthError) -> Void,
        issuing pair: PairToIssue
    ) async throws -> CodeRedemption

    /// Rotates a refresh token of `client`, writing `pair` on first use. Throws `StaleClientError`
    /// like `redeem`.
    func rotate(
        refresh digest: SecretDigest,
        by client: ClientVersion,
        at now: Date,
        grace: TimeInterval,
        issuing pair: PairToIssue
    ) async throws -> RefreshRotation

    /// Writes an application (client_credentials) token for `client`. Throws `StaleClientError`
    /// like `redeem`.
    func insertAccessToken(_ token: AccessToken, for client: ClientVersion) async throws

    /// An access token with its grant, whatever its state (the caller judges expiry and revocation).
    func bearerAccess(digest: SecretDigest) async throws -> BearerAccess?

    /// RFC 7009: revokes the access or refresh token with this digest if `applicationID` owns it;
    /// a refresh token takes its whole family with it. Returns what was revoked, nil when nothing
    /// (unknown, or another client's).
    func revoke(digest: SecretDigest, of applicationID: UUID) async throws -> RevokedToken?

    /// A refresh token's state, for introspection (RFC 7662).
    func refreshTokenState(digest: SecretDigest) async throws -> RefreshTokenState?

    /// Deletes codes, tokens and sessions that expired before `cutoff`. Returns rows removed.
    func deleteExpired(before cutoff: Date) async throws -> Int
}

/// The per-deployment key (docs/architecture.md, Data), made once and shared by every instance.
public protocol KeyStore: Sendable {
    /// The rotation key's bytes.
    func rotationKey() async throws -> Data
}

/// The OAuth records: applications, consents, codes, tokens, resource servers and the rotation
/// key. Connect's records (owners, sessions, login failures) are `KeyfobConnect.ConnectStore`;
/// a backend implements both, and `KeyfobServer.Store` names the whole.
public typealias OAuthStore = ApplicationStore & ConsentStore & TokenStore & DeviceAuthorizationStore & DPoPReplayStore & KeyStore
    & SigningKeyStore & ResourceServerStore & ManagementStore & ReadinessProbe
