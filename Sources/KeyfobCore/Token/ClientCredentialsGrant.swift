import Foundation

/// `grant_type=client_credentials` (RFC 6749 §4.4): an application token, without a refresh token.
public struct ClientCredentialsGrant: TokenGrant {
    public let grantType = "client_credentials"

    /// Where codes and tokens are kept.
    let tokens: any TokenStore

    /// Makes the grant over the store it spends and issues tokens in.
    public init(tokens: any TokenStore) { self.tokens = tokens }

    public func respond(to request: TokenRequest, for client: ClientApplication, in context: GrantContext) async throws -> TokenResponse {
        // RFC 6749 §4.4: only confidential clients may use this grant.
        guard !client.isPublic else {
            throw OAuthError(.unauthorizedClient, "A public client may not use the client_credentials grant.")
        }
        let scope = try Self.scope(requested: request.parameters["scope"], allowed: client.permissions)
        let now = context.clock.now
        let accessToken = TokenText.random(using: context.random)
        try await tokens.insertAccessToken(
            AccessToken(
                digest: .of(accessToken),
                consentID: nil,
                applicationID: client.id,
                scope: scope,
                expiresAt: now + context.policy.applicationTokenLifetime,
                keyThumbprint: request.boundKey
            ),
            for: client.clientVersion
        )
        return TokenResponse(
            accessToken: accessToken,
            expiresIn: Int(context.policy.applicationTokenLifetime),
            refreshToken: nil,
            scope: Permission.scopeString(scope),
            boundTo: request.boundKey
        )
    }

    /// RFC 6749 §3.3: the requested scope, which must lie within what the application may ask; all
    /// of it when none is requested.
    static func scope(requested: String?, allowed: [String]) throws(OAuthError) -> [String] {
        guard let requested else { return allowed }
        let names = Permission.parseScope(requested)
        let allowedSet = Set(allowed)
        if let outside = names.first(where: { !allowedSet.contains($0) }) {
            throw OAuthError(.invalidScope, OAuthError.quoting("Scope not allowed for this application", outside))
        }
        return names
    }
}
