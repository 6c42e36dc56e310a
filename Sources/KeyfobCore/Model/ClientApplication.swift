import Foundation

/// A registered application (an OAuth client).
public struct ClientApplication: Sendable, Equatable {
    /// The client id.
    public var id: UUID
    /// Shown to vehicle owners on the grant screen.
    public var name: String
    /// SHA-256 of the client secret; nil for a public client.
    public var secretDigest: SecretDigest?
    /// The secret replaced by the last rotation, accepted until `previousSecretExpiresAt`.
    public var previousSecretDigest: SecretDigest?
    /// When the previous secret stops working.
    public var previousSecretExpiresAt: Date?
    /// A public client (RFC 6749 §2.1) has no secret and must use PKCE.
    public var isPublic: Bool
    /// Registered redirect URIs, in order; the first is the default.
    public var redirectURIs: [String]
    /// The permissions this application may ask for.
    public var permissions: [String]
    /// The grant types it may use; nil for `GrantType.defaults`, which is what every application
    /// registered before the setting existed has.
    public var grantTypes: [String]?
    /// Its authorize requests must be pushed first (RFC 9126 §6): a plain `GET /oauth/authorize`
    /// carrying the parameters in the URL is refused.
    public var requiresPushedAuthorizationRequests: Bool
    /// Every token request must carry a DPoP proof (RFC 9449 §5.2 `dpop_bound_access_tokens`),
    /// so none of its access tokens is a bearer token.
    public var requiresDPoP: Bool
    /// Opaque tokens (the default, what the Smartcar SDKs expect) or signed JWTs (RFC 9068).
    public var accessTokenFormat: AccessTokenFormat
    /// When it was registered.
    public var createdAt: Date
    /// Bumped by the store on every change, so a cached copy can be confirmed current inside the
    /// transaction that relies on it.
    public var version: Int64

    /// Makes an application record.
    public init(
        id: UUID,
        name: String,
        secretDigest: SecretDigest?,
        previousSecretDigest: SecretDigest? = nil,
        previousSecretExpiresAt: Date? = nil,
        isPublic: Bool,
        redirectURIs: [String],
        permissions: [String],
        grantTypes: [String]? = nil,
        requiresPushedAuthorizationRequests: Bool = false,
        requiresDPoP: Bool = false,
        accessTokenFormat: AccessTokenFormat = .opaque,
        createdAt: Date,
        version: Int64 = 1
    ) {
        self.id = id
        self.name = name
        self.secretDigest = secretDigest
        self.previousSecretDigest = previousSecretDigest
        self.previousSecretExpiresAt = previousSecretExpiresAt
        self.isPublic = isPublic
        self.redirectURIs = redirectURIs
        self.permissions = permissions
        self.grantTypes = grantTypes
        self.requiresPushedAuthorizationRequests = requiresPushedAuthorizationRequests
        self.requiresDPoP = requiresDPoP
        self.accessTokenFormat = accessTokenFormat
        self.createdAt = createdAt
        self.version = version
    }

    /// Which record of this application a request was authenticated against.
    public var clientVersion: ClientVersion { ClientVersion(id: id, version: version) }

    /// Whether `secret` is this application's current secret, or its previous one still inside the
    /// rotation overlap. Compares digests in constant time.
    public func acceptsSecret(_ secret: String, at now: Date) -> Bool {
        let presented = SecretDigest.of(secret)
        // Evaluate both comparisons every time so timing does not tell which secret matched.
        let current = secretDigest.map { $0.constantTimeEquals(presented) } ?? false
        var previous = false
        if let previousSecretDigest, let previousSecretExpiresAt {
            previous = previousSecretDigest.constantTimeEquals(presented) && now < previousSecretExpiresAt
        }
        return current || previous
    }
}
