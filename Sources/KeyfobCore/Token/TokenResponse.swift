import Foundation

/// A successful token answer (RFC 6749 §5.1) in the contract's four fields.
public struct TokenResponse: Sendable, Equatable, Codable {
    /// The access token.
    public var accessToken: String
    /// `Bearer`, or `DPoP` for a token bound to a DPoP key (RFC 9449 §5).
    public var tokenType: String
    /// Seconds until the access token expires.
    public var expiresIn: Int
    /// Absent for application (client_credentials) tokens.
    public var refreshToken: String?
    /// The access token's permissions, space-separated. RFC 6749 §5.1 requires it when it differs
    /// from the request (the owner unticked a permission); Keyfob always sends it.
    public var scope: String?
    /// The owner's grant behind a user token (nil for an application token); not sent. A JWT
    /// access token's `sub` is read from it.
    public var consentID: UUID? = nil
    /// The DPoP key the token is bound to; not sent beyond `token_type`.
    public var keyThumbprint: String? = nil

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case refreshToken = "refresh_token"
        case scope
    }

    /// Makes a token answer: `DPoP` when the token is bound to a key, else `Bearer`.
    public init(
        accessToken: String,
        expiresIn: Int,
        refreshToken: String?,
        scope: String? = nil,
        consentID: UUID? = nil,
        boundTo keyThumbprint: String? = nil
    ) {
        self.accessToken = accessToken
        self.tokenType = keyThumbprint == nil ? "Bearer" : "DPoP"
        self.consentID = consentID
        self.keyThumbprint = keyThumbprint
        self.expiresIn = expiresIn
        self.refreshToken = refreshToken
        self.scope = scope
    }
}
