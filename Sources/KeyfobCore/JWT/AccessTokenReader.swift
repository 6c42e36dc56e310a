/// Turns an access token as presented into the text its record is stored under: an opaque
/// token is its own reference; a JWT access token's is its `jti`, once its signature checks out.
/// Every endpoint that takes an access token (the API, introspection, revocation) reads it
/// through one, so revocation holds for JWTs at Keyfob's own endpoints.
public protocol AccessTokenReader: Sendable {
    /// The stored reference, or nil when the text cannot be one of this server's tokens.
    func reference(of presented: String) async throws -> String?
}

/// Opaque tokens only: UUID-shaped text is its own reference.
public struct OpaqueAccessTokens: AccessTokenReader {
    public init() {}

    public func reference(of presented: String) -> String? {
        TokenText.isWellFormed(presented) ? presented : nil
    }
}
