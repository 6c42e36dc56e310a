/// What an application's access tokens look like (RFC 9068 for `jwt`).
public enum AccessTokenFormat: String, Sendable, CaseIterable {
    /// A random UUID, checked at Keyfob (docs/contract.md §1): what the Smartcar SDKs expect.
    case opaque
    /// A signed `at+jwt` a resource server can verify against Keyfob's JWKS without calling Keyfob.
    case jwt
}
