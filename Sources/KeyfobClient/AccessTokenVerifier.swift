import AsyncHTTPClient
import Foundation
import JWTKit
import NIOCore

/// For a resource server: checks a Keyfob JWT access token (RFC 9068) offline, against the
/// issuer's JWKS, fetched once and again when a token names a key it has not seen (a rotation).
///
/// What it cannot know: that the token was revoked, or its grant disconnected, since it was
/// issued. Call Keyfob's introspection endpoint where that matters (unlocking a car, say).
public actor AccessTokenVerifier {
    /// What a verified token says.
    public struct Claims: Sendable, Equatable {
        /// The owner's user id, or the client id for an application token.
        public var subject: String
        /// The application it was issued to.
        public var clientID: String
        /// Its permissions.
        public var scope: [String]
        /// When it stops working.
        public var expiresAt: Date
        /// Its id at Keyfob (`jti`).
        public var tokenID: String
        /// The DPoP key it is bound to (`cnf.jkt`), if any: the call must then prove that key.
        public var keyThumbprint: String?
    }

    /// Why a token was refused.
    public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    let issuer: String
    let audience: String
    let jwksURL: String
    let http: HTTPExchange
    let leeway: TimeInterval
    private var keys = JWTKeyCollection()
    private var kids: Set<String> = []
    private var fetchedAt: Date?

    /// The least time between two JWKS fetches prompted by an unknown `kid`.
    let refetchInterval: TimeInterval

    /// Makes a verifier for tokens of `issuer` (Keyfob's base URL) meant for `audience` (by
    /// default `<issuer>/v2.0`). `leeway` forgives that much clock difference on `exp`; an
    /// unknown `kid` fetches the JWKS again at most once per `refetchInterval`.
    public init(
        issuer: String,
        audience: String? = nil,
        jwksURL: String? = nil,
        httpClient: HTTPClient = .shared,
        leeway: TimeInterval = 30,
        refetchInterval: TimeInterval = 10
    ) {
        self.refetchInterval = refetchInterval
        let issuer = issuer.trimmingTrailingSlash
        self.issuer = issuer
        self.audience = audience ?? issuer + "/v2.0"
        self.jwksURL = jwksURL ?? issuer + "/.well-known/jwks.json"
        self.http = HTTPExchange(client: httpClient, timeout: .seconds(10), userAgent: "Keyfob-Swift/\(AuthClient.version)")
        self.leeway = leeway
    }

    struct Payload: JWTPayload {
        let iss: String
        let sub: String
        let aud: AudienceClaim
        let exp: ExpirationClaim
        let jti: String
        let client_id: String
        let scope: String?
        let cnf: [String: String]?

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// The token's claims once its signature, type, issuer, audience and expiry check out.
    public func verify(_ token: String, at now: Date = Date()) async throws -> Claims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Data(base64URLEncoded: String(parts[0])),
            let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any]
        else { throw Rejection(description: "not a JWT") }
        guard (header["typ"] as? String)?.lowercased() == "at+jwt" else { throw Rejection(description: "typ is not at+jwt") }
        guard header["alg"] as? String == "ES256" else { throw Rejection(description: "alg is not ES256") }
        guard let kid = header["kid"] as? String else { throw Rejection(description: "no kid") }
        if !kids.contains(kid) { try await refetch(force: fetchedAt == nil) }
        guard kids.contains(kid) else { throw Rejection(description: "kid \(kid) is not in the issuer's JWKS") }
        let payload: Payload
        do {
            payload = try await keys.verify(token, as: Payload.self)
        } catch {
            throw Rejection(description: "the signature does not verify")
        }
        guard payload.iss == issuer else { throw Rejection(description: "iss is \(payload.iss), not \(issuer)") }
        guard payload.aud.value.contains(audience) else { throw Rejection(description: "aud does not name \(audience)") }
        guard payload.exp.value.addingTimeInterval(leeway) > now else { throw Rejection(description: "expired") }
        return Claims(
            subject: payload.sub,
            clientID: payload.client_id,
            scope: (payload.scope ?? "").split(separator: " ").map(String.init),
            expiresAt: payload.exp.value,
            tokenID: payload.jti,
            keyThumbprint: payload.cnf?["jkt"]
        )
    }

    /// Fetches the JWKS, unless it was fetched less than `refetchInterval` ago (so made-up kids
    /// cannot make every call a fetch).
    private func refetch(force: Bool) async throws {
        if !force, let fetchedAt, Date().timeIntervalSince(fetchedAt) < refetchInterval { return }
        let answer = try await http.send(.GET, jwksURL)
        guard answer.status == 200 else { throw Rejection(description: "the JWKS answered \(answer.status)") }
        let set = try JSONDecoder().decode(JWKS.self, from: answer.body)
        let fresh = JWTKeyCollection()
        try await fresh.add(jwks: set)
        keys = fresh
        kids = Set(set.keys.compactMap { $0.keyIdentifier?.string })
        fetchedAt = Date()
    }
}

extension Data {
    /// Reads base64url without padding (RFC 4648 §5).
    init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
