import Foundation

/// A token answer, with expiry dates computed the way Smartcar's SDKs compute them.
public struct Access: Sendable, Equatable {
    /// The bearer token for `/v2.0` calls.
    public var accessToken: String
    /// Nil for application (client credentials) tokens.
    public var refreshToken: String?
    /// When the access token expires: now + `expires_in`.
    public var expiration: Date
    /// When the refresh token expires: now + 60 days, as the other SDKs assume.
    public var refreshExpiration: Date?
    /// `Bearer`, or `DPoP` for a token bound to the client's `DPoPKey` (RFC 9449).
    public var tokenType = "Bearer"

    /// Makes an access value.
    public init(accessToken: String, refreshToken: String?, expiration: Date, refreshExpiration: Date?) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiration = expiration
        self.refreshExpiration = refreshExpiration
    }

    /// Whether the access token has expired at `date`.
    public func isExpired(at date: Date = Date()) -> Bool { date >= expiration }

    /// Whether the refresh token has expired at `date` (true when there is none).
    public func isRefreshExpired(at date: Date = Date()) -> Bool { refreshExpiration.map { date >= $0 } ?? true }

    /// Refresh tokens last 60 days (Smartcar's documentation).
    static let refreshLifetime: TimeInterval = 60 * 24 * 3600

    /// Decodes RFC 6749 §5.1 JSON received at `now`.
    static func decode(_ body: Data, receivedAt now: Date) throws -> Access {
        struct Wire: Decodable {
            let access_token: String
            let expires_in: Int
            let refresh_token: String?
            let token_type: String?
        }
        let wire = try JSONDecoder().decode(Wire.self, from: body)
        var access = Access(
            accessToken: wire.access_token,
            refreshToken: wire.refresh_token,
            expiration: now + TimeInterval(wire.expires_in),
            refreshExpiration: wire.refresh_token == nil ? nil : now + refreshLifetime
        )
        access.tokenType = wire.token_type ?? "Bearer"
        return access
    }
}
