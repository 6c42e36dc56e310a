import Foundation

/// Token revocation (RFC 7009) and introspection (RFC 7662). Clients revoke and introspect their
/// own tokens; resource servers introspect any client's access tokens.
public struct TokenManagement: Sendable {
    let authenticator: ClientAuthenticator
    let store: any TokenStore
    let resourceServers: any ResourceServerStore
    let clock: any WallClock
    let policy: TokenPolicy
    /// Reads opaque tokens, and JWT access tokens when the server signs them.
    let reader: any AccessTokenReader

    /// Makes the endpoints' rules.
    public init(
        applications: any ApplicationStore,
        tokens: any TokenStore,
        resourceServers: any ResourceServerStore,
        clock: any WallClock,
        policy: TokenPolicy,
        reader: any AccessTokenReader = OpaqueAccessTokens()
    ) {
        self.authenticator = ClientAuthenticator(applications: applications, clock: clock)
        self.store = tokens
        self.resourceServers = resourceServers
        self.clock = clock
        self.policy = policy
        self.reader = reader
    }

    /// Who asks the introspection endpoint.
    enum Introspector {
        /// A confidential client, about its own tokens.
        case client(ClientApplication)
        /// A resource server, about any client's access tokens.
        case resourceServer
    }

    /// RFC 7009 §2.1: revokes the client's token. An unknown token, or another client's, changes
    /// nothing and is not an error (§2.2), so the answer does not reveal whether a token exists.
    public func revoke(_ request: TokenRequest) async throws {
        let client = try await authenticator.authenticate(request.client)
        let token = try request.required("token")
        guard let reference = try await reader.reference(of: token) else { return }
        _ = try await store.revoke(digest: .of(reference), of: client.id)
    }

    /// RFC 7662 §2.1: the endpoint requires authorization. A public client has no credential to
    /// show, so only confidential clients and resource servers are answered.
    ///
    /// `digest` is the opaque token asked about, when it can be named before the asker is known:
    /// its access-token row is then read in the same store call as the resource server
    /// (`ResourceServerStore.resourceServer(id:withBearerAccess:)`), the one trip to the store an
    /// API's introspection takes. A JWT's signature is not checked for an asker not yet known.
    func introspector(
        _ presented: PresentedClient?,
        prefetching digest: SecretDigest? = nil
    ) async throws -> (
        Introspector, prefetched: Prefetched?
    ) {
        var prefetched: Prefetched?
        if let presented, presented.method != .none, let id = UUID(text: presented.clientID) {
            let server: ResourceServer?
            if let digest {
                let read = try await resourceServers.resourceServer(id: id, withBearerAccess: digest)
                (server, prefetched) = (read.server, Prefetched(digest: digest, access: read.access))
            } else {
                server = try await resourceServers.resourceServer(id: id)
            }
            if let server {
                guard server.acceptsSecret(presented.secret ?? "") else {
                    throw OAuthError.invalidClient(
                        "Invalid client credentials.",
                        basicAttempted: presented.method == .basic,
                        detail: "wrong resource server secret"
                    )
                }
                return (.resourceServer, prefetched)
            }
        }
        let client = try await authenticator.authenticate(presented)
        guard !client.isPublic else {
            throw OAuthError.invalidClient(
                "Introspection needs a confidential client's or a resource server's credentials.",
                basicAttempted: presented?.method == .basic,
                detail: "public client at introspection"
            )
        }
        return (.client(client), prefetched)
    }

    /// An access token's row read along with the asker.
    struct Prefetched {
        let digest: SecretDigest
        let access: BearerAccess?
    }

    /// RFC 7662 §2.2: what the token is, or only `active: false` when the asker may not know.
    public func introspect(_ request: TokenRequest) async throws -> Introspection {
        let opaque = request.parameters["token"].flatMap { TokenText.isWellFormed($0) ? SecretDigest.of($0) : nil }
        let (asker, prefetched) = try await introspector(request.client, prefetching: opaque)
        let token = try request.required("token")
        guard let reference = try await reader.reference(of: token) else { return .inactive }
        let digest = SecretDigest.of(reference)
        let known = prefetched?.digest == digest ? prefetched : nil
        let now = clock.now
        guard case .client(let client) = asker else {
            // A resource server is shown access tokens only: a refresh token presented to an API
            // is not a credential for it.
            return try await accessToken(digest, now: now, visibleTo: nil, known: known) ?? .inactive
        }
        let hint = request.parameters["token_type_hint"]
        let lookups: [@Sendable () async throws -> Introspection?] = [
            { try await accessToken(digest, now: now, visibleTo: client.id, known: known) },
            { try await refreshToken(digest, client: client, now: now) },
        ]
        for lookup in hint == "refresh_token" ? lookups.reversed() : lookups {
            if let found = try await lookup() { return found }
        }
        return .inactive
    }

    /// An access token's answer; `visibleTo` limits it to one client's tokens (nil: any client's).
    private func accessToken(
        _ digest: SecretDigest,
        now: Date,
        visibleTo clientID: UUID?,
        known: Prefetched?
    ) async throws
        -> Introspection?
    {
        let row = if let known { known.access } else { try await store.bearerAccess(digest: digest) }
        guard let access = row else { return nil }
        if let clientID, access.token.applicationID != clientID { return nil }
        guard !access.token.revoked, access.token.expiresAt > now else { return .inactive }
        return Introspection(
            active: true,
            clientID: access.token.applicationID,
            tokenUse: .accessToken,
            scope: access.permissions,
            expiresAt: access.token.expiresAt,
            subject: access.grant?.ownerID,
            vehicleIDs: access.grant?.vehicleIDs,
            keyThumbprint: access.token.keyThumbprint
        )
    }

    private func refreshToken(_ digest: SecretDigest, client: ClientApplication, now: Date) async throws -> Introspection? {
        guard let state = try await store.refreshTokenState(digest: digest), state.applicationID == client.id else { return nil }
        let usable = state.usedAt.map { now.timeIntervalSince($0) <= policy.refreshGracePeriod } ?? true
        guard !state.revoked, state.expiresAt > now, usable, let grant = state.grant else { return .inactive }
        return Introspection(
            active: true,
            clientID: client.id,
            tokenUse: .refreshToken,
            scope: grant.permissions,
            expiresAt: state.expiresAt,
            subject: grant.ownerID,
            vehicleIDs: grant.vehicleIDs
        )
    }
}

/// An RFC 7662 introspection answer.
public struct Introspection: Sendable, Equatable {
    /// Which of a pair the token is.
    public enum TokenUse: String, Sendable {
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
    }

    /// Whether the token is active and the asker may know of it.
    public var active: Bool
    /// The client it was issued to.
    public var clientID: UUID?
    /// Access or refresh token; RFC 7662's `token_type` is the pair's RFC 6749 type, `Bearer`, for both.
    public var tokenUse: TokenUse?
    /// Its permissions.
    public var scope: [String]
    /// When it expires.
    public var expiresAt: Date?
    /// The owner (user id); nil for application tokens.
    public var subject: UUID?
    /// The vehicles its grant covers; nil for application tokens.
    public var vehicleIDs: [UUID]?
    /// The DPoP key an access token is bound to (RFC 9449 §6.2 `cnf.jkt`); nil for a bearer token.
    public var keyThumbprint: String? = nil

    /// The RFC 6749 §7.1 type of the token (RFC 7662 §2.2): `DPoP` for a bound access token.
    public var tokenType: String? { active ? (keyThumbprint == nil ? "Bearer" : "DPoP") : nil }

    /// The answer for anything that is not an active token the asker may know of.
    public static let inactive = Introspection(
        active: false,
        clientID: nil,
        tokenUse: nil,
        scope: [],
        expiresAt: nil,
        subject: nil,
        vehicleIDs: nil
    )
}
