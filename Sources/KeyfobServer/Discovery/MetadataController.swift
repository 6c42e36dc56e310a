import Hummingbird
import KeyfobCore
import Synchronization

/// `GET /.well-known/oauth-authorization-server` (RFC 8414): what this server really supports.
struct MetadataController {
    let origin: ServerOrigin
    let grantTypes: [String]
    /// The document is the same on every request once the origin is known, and encoding it took
    /// a third of the route's time (BENCHMARKS.md, the fixed cost per request): it is encoded
    /// once per origin (which changes only when the port is picked at start-up).
    private let encoded = EncodedPerOrigin()

    init(origin: ServerOrigin, grantTypes: [String]) {
        self.origin = origin
        self.grantTypes = grantTypes
    }

    struct Metadata: Encodable {
        let issuer: String
        let authorization_endpoint: String
        let token_endpoint: String
        let token_endpoint_auth_methods_supported: [String]
        let revocation_endpoint: String
        let revocation_endpoint_auth_methods_supported: [String]
        let introspection_endpoint: String
        let introspection_endpoint_auth_methods_supported: [String]
        /// RFC 8628 §4, when the device grant is served.
        let device_authorization_endpoint: String?
        /// RFC 9126 §5.
        let pushed_authorization_request_endpoint: String
        /// False: PAR is required per application (`apps create --require-par`), not of all.
        let require_pushed_authorization_requests: Bool
        /// RFC 9449 §5.1.
        let dpop_signing_alg_values_supported: [String]
        /// RFC 8414 §2: where JWT access tokens' keys are (RFC 9068).
        let jwks_uri: String
        let grant_types_supported: [String]
        let response_types_supported: [String]
        let code_challenge_methods_supported: [String]
        let scopes_supported: [String]
        let service_documentation: String?
    }

    static let authMethods = ["client_secret_basic", "client_secret_post", "none"]
    /// RFC 7662 §2.1: introspection needs a credential, so a public client's `none` is not offered.
    static let introspectionAuthMethods = ["client_secret_basic", "client_secret_post"]

    func addRoutes(to router: Router<KeyfobRequestContext>) {
        router.get(".well-known/oauth-authorization-server") { _, _ in
            let body = encoded.body(for: origin.url, encode: document(issuer:))
            return JSONBody.response(status: .ok, body: body, headers: [.cacheControl: "public, max-age=3600"])
        }
    }

    private func document(issuer: String) -> ByteBuffer {
        JSONBody.encode(
            Metadata(
                issuer: issuer,
                authorization_endpoint: issuer + "/oauth/authorize",
                token_endpoint: issuer + "/oauth/token",
                token_endpoint_auth_methods_supported: Self.authMethods,
                revocation_endpoint: issuer + "/oauth/revoke",
                revocation_endpoint_auth_methods_supported: Self.authMethods,
                introspection_endpoint: issuer + "/oauth/introspect",
                introspection_endpoint_auth_methods_supported: Self.introspectionAuthMethods,
                device_authorization_endpoint: grantTypes.contains(GrantType.deviceCode)
                    ? issuer + "/oauth/device_authorization" : nil,
                pushed_authorization_request_endpoint: issuer + "/oauth/par",
                require_pushed_authorization_requests: false,
                dpop_signing_alg_values_supported: DPoPProofVerifier.algorithms,
                jwks_uri: issuer + "/.well-known/jwks.json",
                grant_types_supported: grantTypes,
                response_types_supported: ["code"],
                code_challenge_methods_supported: [PKCE.s256],
                scopes_supported: Permission.all,
                service_documentation: nil
            )
        )
    }
}

/// One encoded document, kept while the origin it was made for stays the same.
private final class EncodedPerOrigin: Sendable {
    private let cached = Mutex<(origin: String, body: ByteBuffer)?>(nil)

    func body(for origin: String, encode: (String) -> ByteBuffer) -> ByteBuffer {
        if let hit = cached.withLock({ $0 }), hit.origin == origin { return hit.body }
        let body = encode(origin)
        cached.withLock { $0 = (origin, body) }
        return body
    }
}
