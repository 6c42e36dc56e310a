import Foundation

/// `grant_type=refresh_token` (RFC 6749 §6) with rotation and an idempotent grace window
/// (docs/contract.md §2, RFC 9700 §4.14).
public struct RefreshTokenGrant: TokenGrant {
    public let grantType = "refresh_token"

    /// Where codes and tokens are kept.
    let tokens: any TokenStore

    /// Makes the grant over the store it spends and issues tokens in.
    public init(tokens: any TokenStore) { self.tokens = tokens }

    public func respond(to request: TokenRequest, for client: ClientApplication, in context: GrantContext) async throws -> TokenResponse {
        let refreshToken = try request.required("refresh_token")
        guard TokenText.isWellFormed(refreshToken) else {
            throw OAuthError.invalidRequest(OAuthError.quoting("Invalid refresh token", refreshToken))
        }
        let narrowedScope = try Self.requestedScope(request.parameters["scope"])
        let policy = context.policy
        let now = context.clock.now
        // The successors are a function of the old token, so a retry computes the same pair again.
        let successors = context.rotationKey.successors(of: refreshToken)
        let pair = PairToIssue(
            accessDigest: .of(successors.accessToken),
            accessExpiresAt: now + policy.accessTokenLifetime,
            refreshDigest: .of(successors.refreshToken),
            refreshExpiresAt: now + policy.refreshTokenLifetime,
            accessScope: narrowedScope,
            boundKey: request.boundKey,
            bindsRefreshToken: client.isPublic
        )

        let outcome = try await tokens.rotate(
            refresh: .of(refreshToken),
            by: client.clientVersion,
            at: now,
            grace: policy.refreshGracePeriod,
            issuing: pair
        )

        switch outcome {
        case .rotated(let consentID, let scope):
            return TokenResponse(
                accessToken: successors.accessToken,
                expiresIn: Int(policy.accessTokenLifetime),
                refreshToken: successors.refreshToken,
                scope: scope,
                consentID: consentID,
                boundTo: pair.boundKey
            )
        case .repeated(let consentID, let firstUsedAt, let scope):
            // Rounded to the nearest second: stored times lose a little precision, and rounding down
            // would report a second less than the token really has.
            let remaining = (firstUsedAt + policy.accessTokenLifetime).timeIntervalSince(now)
            return TokenResponse(
                accessToken: successors.accessToken,
                expiresIn: max(0, Int(remaining.rounded())),
                refreshToken: successors.refreshToken,
                scope: scope,
                consentID: consentID,
                boundTo: pair.boundKey
            )
        case .scopeExceeded(let permission):
            throw OAuthError(.invalidScope, OAuthError.quoting("Scope beyond what the owner granted", permission))
        case .unknown:
            throw OAuthError.invalidGrant(OAuthError.quoting("Invalid refresh token", refreshToken))
        case .expired:
            throw OAuthError.invalidGrant("The refresh token has expired.")
        case .revoked:
            throw OAuthError.invalidGrant("The refresh token has been revoked.")
        case .keyMismatch:
            throw OAuthError(
                "invalid_dpop_proof",
                "This refresh token is bound to a DPoP key: send a proof made with that key.",
                detail: "refresh token key mismatch"
            )
        case .reused:
            throw OAuthError.invalidGrant(
                "The refresh token was already used; its token family is now revoked.",
                detail: "refresh reuse"
            )
        }
    }

    /// RFC 6749 §6: the scope a refresh asks for, which the store checks against the grant; nil
    /// (absent) keeps the grant's whole scope. A name Keyfob does not know can never be granted.
    static func requestedScope(_ raw: String?) throws(OAuthError) -> [String]? {
        guard let raw else { return nil }
        let names = Permission.parseScope(raw)
        guard !names.isEmpty else { return nil }
        if let unknown = names.first(where: { !Permission.isKnown($0) }) {
            throw OAuthError(.invalidScope, OAuthError.quoting("Unknown permission", unknown))
        }
        return names
    }
}
