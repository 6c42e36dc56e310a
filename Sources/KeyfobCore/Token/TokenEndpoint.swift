import Foundation

/// The token endpoint's rules (RFC 6749 §3.2): authenticate the client, then dispatch on
/// `grant_type` to one `TokenGrant`.
public struct TokenEndpoint: Sendable {
    let authenticator: ClientAuthenticator
    let context: GrantContext
    let grants: [String: any TokenGrant]
    /// Signs the access tokens of applications registered for JWTs; nil when there is no key.
    let jwtAccessTokens: JWTAccessTokens?

    /// The grants of docs/contract.md §2, over one token store.
    public static func standardGrants(tokens: any TokenStore & DeviceAuthorizationStore) -> [any TokenGrant] {
        [
            AuthorizationCodeGrant(tokens: tokens), RefreshTokenGrant(tokens: tokens), ClientCredentialsGrant(tokens: tokens),
            DeviceCodeGrant(store: tokens),
        ]
    }

    /// The client a request's credentials prove, read from the store (RFC 6749 §2.3), for the
    /// endpoints beside this one that authenticate clients the same way (RFC 8628 §3.1).
    public func authenticate(_ request: TokenRequest) async throws -> ClientApplication {
        try await authenticator.authenticate(request.client, fresh: true)
    }

    /// Makes the endpoint. Two grants answering the same `grant_type` are a configuration error,
    /// found here rather than by one of them silently never answering.
    public init(
        applications: any ApplicationStore,
        grants: [any TokenGrant],
        rotationKey: RotationKey,
        clock: any WallClock = SystemWallClock(),
        random: any RandomSource = SystemRandomSource(),
        policy: TokenPolicy = TokenPolicy(),
        jwtAccessTokens: JWTAccessTokens? = nil
    ) throws(DuplicateGrantTypeError) {
        self.jwtAccessTokens = jwtAccessTokens
        self.authenticator = ClientAuthenticator(applications: applications, clock: clock, cache: ApplicationCache())
        self.context = GrantContext(clock: clock, random: random, policy: policy, rotationKey: rotationKey)
        var table = [String: any TokenGrant]()
        for grant in grants {
            guard table.updateValue(grant, forKey: grant.grantType) == nil else { throw DuplicateGrantTypeError(grantType: grant.grantType) }
        }
        self.grants = table
    }

    /// The grant types this endpoint answers, for discovery metadata.
    public var grantTypes: [String] { grants.keys.sorted() }

    /// Answers a token request, or throws an `OAuthError` (or a store error).
    public func respond(to request: TokenRequest) async throws -> TokenResponse {
        let (client, cached) = try await authenticator.authenticateNoting(request.client)
        do {
            return try await dispatch(request, for: client)
        } catch let refusal as OAuthError where cached {
            // A success was confirmed current inside its store transaction; a refusal made before
            // the store was asked was judged on the cached copy. Confirm the credentials against
            // the store before answering it, so that a rotated or deleted client's old secret is
            // invalid_client, on every instance, rather than revealing it was once right.
            _ = try await authenticator.authenticate(request.client, fresh: true)
            throw refusal
        }
    }

    private func dispatch(_ request: TokenRequest, for client: ClientApplication) async throws -> TokenResponse {
        let grantType = try request.required("grant_type")
        guard let grant = grants[grantType] else {
            throw OAuthError(.unsupportedGrantType, OAuthError.quoting("Unsupported grant_type", grantType))
        }
        guard client.allows(grantType) else {
            throw OAuthError(.unauthorizedClient, OAuthError.quoting("This application is not registered for grant_type", grantType))
        }
        guard request.proof != nil || !client.requiresDPoP else {
            // RFC 9449 §5.2: an app registered for DPoP-bound tokens never gets a bearer token.
            throw OAuthError("invalid_dpop_proof", "This application must send a DPoP proof with every token request.")
        }
        var signer: JWTAccessTokens?
        if client.accessTokenFormat == .jwt {
            // Checked before anything is spent: a code must not be used up for a token that
            // cannot be signed.
            guard let jwtAccessTokens, try await jwtAccessTokens.canSign() else {
                throw OAuthError(
                    .unauthorizedClient,
                    "This server has no signing key for JWT access tokens; its operator must run keyfob keys rotate."
                )
            }
            signer = jwtAccessTokens
        }
        let response: TokenResponse
        do {
            response = try await grant.respond(to: request, for: client, in: context)
        } catch is StaleClientError {
            // The application changed since it was cached (secret rotated, app deleted): nothing
            // was written, so authenticate against the store and try once more.
            let current = try await authenticator.authenticate(request.client, fresh: true)
            do {
                response = try await grant.respond(to: request, for: current, in: context)
            } catch is StaleClientError {
                throw OAuthError.storeUnavailable(detail: "the application changed twice during one request")
            }
        }
        guard let signer else { return response }
        return try await signer.wrap(response, for: client, at: context.clock.now)
    }
}

/// Two grants were configured for one `grant_type`.
public struct DuplicateGrantTypeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `grant_type` named twice.
    public var grantType: String

    /// Names the `grant_type` configured twice.
    public init(grantType: String) { self.grantType = grantType }

    public var description: String { "two token grants answer grant_type=\(grantType); configure one" }
}
