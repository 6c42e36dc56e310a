import Foundation

/// Token revocation (RFC 7009) and introspection (RFC 7662), for authenticated clients and only
/// over their own tokens.
public struct TokenManagement: Sendable {
    let authenticator: ClientAuthenticator
    let store: any TokenStore
    let clock: any WallClock
    let policy: TokenPolicy

    /// Makes the endpoints' rules.
    public init(store: any Store, clock: any WallClock, policy: TokenPolicy) {
        self.authenticator = ClientAuthenticator(applications: store, clock: clock)
        self.store = store
        self.clock = clock
        self.policy = policy
    }

    /// RFC 7009 §2.1: revokes the client's token. An unknown token, or another client's, changes
    /// nothing and is not an error (§2.2), so the answer does not reveal whether a token exists.
    public func revoke(_ request: TokenRequest) async throws {
        let client = try await authenticator.authenticate(request.client)
        let token = try request.required("token")
        guard TokenText.isWellFormed(token) else { return }
        _ = try await store.revoke(digest: .of(token), of: client.id)
    }

    /// RFC 7662 §2.2: what the token is, or only `active: false` when it is not an active token of
    /// this client.
    public func introspect(_ request: TokenRequest) async throws -> Introspection {
        let client = try await authenticator.authenticate(request.client)
        let token = try request.required("token")
        guard TokenText.isWellFormed(token) else { return .inactive }
        let digest = SecretDigest.of(token)
        let now = clock.now
        let hint = request.parameters["token_type_hint"]
        let lookups: [@Sendable () async throws -> Introspection?] = [
            { try await accessToken(digest, client: client, now: now) },
            { try await refreshToken(digest, client: client, now: now) },
        ]
        for lookup in hint == "refresh_token" ? lookups.reversed() : lookups {
            if let found = try await lookup() { return found }
        }
        return .inactive
    }

    private func accessToken(_ digest: SecretDigest, client: Application, now: Date) async throws -> Introspection? {
        guard let access = try await store.bearerAccess(digest: digest), access.token.applicationID == client.id else { return nil }
        guard !access.token.revoked, access.token.expiresAt > now else { return .inactive }
        return Introspection(
            active: true, clientID: client.id, tokenType: "Bearer",
            scope: access.permissions, expiresAt: access.token.expiresAt, subject: access.grant?.ownerID)
    }

    private func refreshToken(_ digest: SecretDigest, client: Application, now: Date) async throws -> Introspection? {
        guard let state = try await store.refreshTokenState(digest: digest), state.applicationID == client.id else { return nil }
        let usable = state.usedAt.map { now.timeIntervalSince($0) <= policy.refreshGracePeriod } ?? true
        guard !state.revoked, state.expiresAt > now, usable, let grant = state.grant else { return .inactive }
        return Introspection(
            active: true, clientID: client.id, tokenType: "refresh_token", scope: grant.permissions, expiresAt: state.expiresAt,
            subject: grant.ownerID)
    }
}

/// An RFC 7662 introspection answer.
public struct Introspection: Sendable, Equatable {
    /// Whether the token is an active token of the asking client.
    public var active: Bool
    /// The client it was issued to.
    public var clientID: UUID?
    /// `Bearer` for access tokens (RFC 6749 §5.1), `refresh_token` for refresh tokens.
    public var tokenType: String?
    /// Its permissions.
    public var scope: [String]
    /// When it expires.
    public var expiresAt: Date?
    /// The owner (user id); nil for application tokens.
    public var subject: UUID?

    /// The answer for anything that is not an active token of the client.
    public static let inactive = Introspection(active: false, clientID: nil, tokenType: nil, scope: [], expiresAt: nil, subject: nil)
}
