import Foundation

/// `grant_type=urn:ietf:params:oauth:grant-type:device_code` (RFC 8628 §3.4–3.5): the device's
/// poll. The answer is decided by `DeviceCodeRule`; the tokens form a family like a code's.
public struct DeviceCodeGrant: TokenGrant {
    public let grantType = GrantType.deviceCode

    /// Where device authorizations and tokens are kept.
    let store: any DeviceAuthorizationStore

    /// Makes the grant over the store that keeps the device authorizations.
    public init(store: any DeviceAuthorizationStore) { self.store = store }

    public func respond(to request: TokenRequest, for client: ClientApplication, in context: GrantContext) async throws -> TokenResponse {
        let deviceCode = try request.required("device_code")
        guard TokenText.isWellFormed(deviceCode) else {
            throw OAuthError.invalidRequest(OAuthError.quoting("Invalid device_code", deviceCode))
        }
        let now = context.clock.now
        let issued = IssuedPair(at: now, in: context, boundTo: request.boundKey, bindingRefresh: client.isPublic)
        let poll = try await store.pollDeviceAuthorization(
            deviceCode: .of(deviceCode),
            by: client.clientVersion,
            at: now,
            issuing: issued.pair
        )
        switch poll {
        case .issued(let consentID, let scope):
            return issued.response(scope: scope, consentID: consentID, in: context)
        case .refused(let verdict):
            throw Self.error(for: verdict)
        }
    }

    /// RFC 8628 §3.5's answer for each verdict that issues nothing.
    static func error(for verdict: DeviceCodeRule.PollVerdict) -> OAuthError {
        switch verdict {
        case .pending:
            OAuthError("authorization_pending", "The owner has not yet approved this device; keep polling.")
        case .slowDown(let interval):
            OAuthError("slow_down", "Polling too fast: wait \(interval) seconds between requests from now on.")
        case .denied:
            OAuthError("access_denied", "The owner denied the request.")
        case .expired:
            OAuthError("expired_token", "The device code has expired; start a new device authorization.")
        case .spent:
            OAuthError.invalidGrant("The device code was already used.", detail: "device code polled after issue")
        case .unknown, .issue:
            OAuthError.invalidGrant("Invalid device_code.")
        }
    }
}

/// A fresh token pair's texts and what the store keeps of them.
struct IssuedPair {
    let accessToken: String
    let refreshToken: String
    let pair: PairToIssue

    /// Draws a pair issued at `now` with the policy's lifetimes, its access token bound to the
    /// DPoP key `boundKey` if there is one, and its refresh token too when `bindingRefresh`.
    init(at now: Date, in context: GrantContext, boundTo boundKey: String?, bindingRefresh: Bool) {
        accessToken = TokenText.random(using: context.random)
        refreshToken = TokenText.random(using: context.random)
        pair = PairToIssue(
            accessDigest: .of(accessToken),
            accessExpiresAt: now + context.policy.accessTokenLifetime,
            refreshDigest: .of(refreshToken),
            refreshExpiresAt: now + context.policy.refreshTokenLifetime,
            boundKey: boundKey,
            bindsRefreshToken: bindingRefresh
        )
    }

    /// The answer carrying this pair.
    func response(scope: String, consentID: UUID, in context: GrantContext) -> TokenResponse {
        TokenResponse(
            accessToken: accessToken,
            expiresIn: Int(context.policy.accessTokenLifetime),
            refreshToken: refreshToken,
            scope: scope,
            consentID: consentID,
            boundTo: pair.boundKey
        )
    }
}
