import Foundation
import JWTKit

/// JWT access tokens (RFC 9068): the token Keyfob stores is the same random reference as ever;
/// what the client receives is a signed `at+jwt` whose `jti` is that reference. A resource
/// server can check it offline against the JWKS; Keyfob's own endpoints check the signature,
/// then look the `jti` up, so a revoked token stops working there at once.
public struct JWTAccessTokens: AccessTokenReader {
    /// The keys it signs with, which the JWKS publishes.
    public let ring: SigningKeyRing
    let consents: any ConsentStore
    /// The issuer (`iss`) and the audience (`aud`); the public origin is known once the server
    /// listens, so both are asked for when a token is made.
    let issuer: @Sendable () -> String
    let audience: @Sendable () -> String

    /// The longest JWT read: a Keyfob token is well under 1 KB.
    static let maxSize = 8 * 1024

    public init(
        ring: SigningKeyRing,
        consents: any ConsentStore,
        issuer: @escaping @Sendable () -> String,
        audience: @escaping @Sendable () -> String
    ) {
        self.ring = ring
        self.consents = consents
        self.issuer = issuer
        self.audience = audience
    }

    /// RFC 9068 §2.2's claims, with `cnf` for a DPoP-bound token (RFC 9449 §6.1).
    struct Claims: JWTPayload {
        let iss: String
        let sub: String
        let aud: String
        let exp: Int
        let iat: Int
        let jti: String
        let client_id: String
        let scope: String
        let cnf: [String: String]?

        // Keyfob checks its own tokens by their record, not their claims.
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// The header members read before the signature is checked, typed: a struct decodes in a
    /// fraction of the time of a dynamic JSON value, and every API call with a JWT pays it.
    struct Header: Decodable {
        var alg: String?
        var typ: String?
        var kid: String?
    }

    /// Whether tokens can be signed: false when no key has been made.
    public func canSign() async throws -> Bool { try await ring.canSign() }

    /// `response` with its access token replaced by the JWT for it, issued to `client` at `now`.
    public func wrap(_ response: TokenResponse, for client: ClientApplication, at now: Date) async throws -> TokenResponse {
        // The owner behind a user token; an application token's subject is the client itself.
        var subject = client.id.lowercasedText
        if let consentID = response.consentID, let consent = try await consents.consent(id: consentID) {
            subject = consent.ownerID.lowercasedText
        }
        let claims = Claims(
            iss: issuer(),
            sub: subject,
            aud: audience(),
            exp: Int((now + TimeInterval(response.expiresIn)).timeIntervalSince1970),
            iat: Int(now.timeIntervalSince1970),
            jti: response.accessToken,
            client_id: client.id.lowercasedText,
            scope: response.scope ?? "",
            cnf: response.keyThumbprint.map { ["jkt": $0] }
        )
        var wrapped = response
        wrapped.accessToken = try await ring.sign(claims, type: "at+jwt")
        return wrapped
    }

    public func reference(of presented: String) async throws -> String? {
        if TokenText.isWellFormed(presented) { return presented }
        guard presented.utf8.count <= Self.maxSize else { return nil }
        let parts = presented.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Data(base64URLEncoded: String(parts[0])),
            let header = try? JSONDecoder().decode(Header.self, from: headerData),
            header.alg == "ES256", header.typ?.lowercased() == "at+jwt", let kid = header.kid,
            let key = try await ring.verifyingKey(kid: kid)
        else { return nil }
        let collection = JWTKeyCollection()
        await collection.add(ecdsa: key, kid: JWKIdentifier(string: kid))
        guard let claims = try? await collection.verify(presented, as: Claims.self), TokenText.isWellFormed(claims.jti) else {
            return nil
        }
        return claims.jti
    }
}
