import Foundation

/// A resource server: an API that accepts Keyfob's access tokens and asks the introspection
/// endpoint about them (RFC 7662 §2.1). It authenticates like a confidential client, with an id
/// and a secret, but holds no tokens of its own and may introspect any client's access tokens.
public struct ResourceServer: Sendable, Equatable {
    /// Its id, used as the Basic user name.
    public var id: UUID
    /// A name for the operator.
    public var name: String
    /// SHA-256 of its secret.
    public var secretDigest: SecretDigest
    /// When it was registered.
    public var createdAt: Date

    /// Makes a resource server record.
    public init(id: UUID, name: String, secretDigest: SecretDigest, createdAt: Date) {
        self.id = id
        self.name = name
        self.secretDigest = secretDigest
        self.createdAt = createdAt
    }

    /// Whether `secret` is its secret; compares digests in constant time.
    public func acceptsSecret(_ secret: String) -> Bool {
        secretDigest.constantTimeEquals(.of(secret))
    }
}
