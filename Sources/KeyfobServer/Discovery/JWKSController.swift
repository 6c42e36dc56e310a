import Hummingbird
import KeyfobCore

/// `GET /.well-known/jwks.json` (RFC 7517 §5): the public keys JWT access tokens are signed with,
/// for resource servers that check tokens offline. An empty set while no key has been made.
struct JWKSController {
    let ring: SigningKeyRing

    struct JWKS: Encodable {
        let keys: [[String: String]]
    }

    /// Verifiers may cache the set this long; one that meets an unknown `kid` fetches it again
    /// (a rotation publishes the new key at once).
    static let maxAge = 300

    func addRoutes(to router: Router<KeyfobRequestContext>) {
        router.get(".well-known/jwks.json") { _, _ in
            let body = JSONBody.encode(JWKS(keys: try await ring.publishedKeys()))
            return JSONBody.response(status: .ok, body: body, headers: [.cacheControl: "public, max-age=\(Self.maxAge)"])
        }
    }
}
