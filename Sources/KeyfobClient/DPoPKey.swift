import Crypto
import Foundation
import JWTKit

/// A client's DPoP key (RFC 9449): with it, the tokens Keyfob issues are bound to this key, and
/// each call proves the key with a fresh signed proof, so a token copied from a log or a proxy is
/// useless without it. An ES256 (P-256) key made here; keep one per installation and keep it
/// in memory or in the platform's key store, never beside the tokens.
public struct DPoPKey: Sendable {
    let key: ES256PrivateKey
    let x: String
    let y: String

    /// A fresh key.
    public init() {
        key = ES256PrivateKey()
        // A P-256 public key always has both coordinates.
        (x, y) = key.publicKey.parameters!
    }

    /// The RFC 7638 thumbprint of the public key: what Keyfob reports as the token's `cnf.jkt`.
    public var thumbprint: String {
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(x)","y":"\#(y)"}"#
        return Self.base64URL(Data(SHA256.hash(data: Data(canonical.utf8))).base64EncodedString())
    }

    struct Claims: JWTPayload {
        let jti: String
        let htm: String
        let htu: String
        let iat: Int
        let ath: String?
        let nonce: String?

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// A proof for one request: `method` to `url` (its query is left out), with the hash of
    /// `accessToken` for a call that presents one, and the server's `nonce` when it asked.
    public func proof(method: String, url: String, accessToken: String? = nil, nonce: String? = nil) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key)
        let header: JWTHeader = ["typ": "dpop+jwt", "jwk": ["kty": "EC", "crv": "P-256", "x": .string(x), "y": .string(y)]]
        let target = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        let claims = Claims(
            jti: UUID().uuidString,
            htm: method,
            htu: target,
            iat: Int(Date().timeIntervalSince1970),
            ath: accessToken.map { Data(SHA256.hash(data: Data($0.utf8))).base64EncodedString() }.map(Self.base64URL),
            nonce: nonce
        )
        return try await keys.sign(claims, header: header)
    }

    static func base64URL(_ base64: String) -> String {
        base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

extension HTTPExchange.Answer {
    /// The nonce a DPoP refusal asks for (RFC 9449 §8): `use_dpop_nonce` with a `DPoP-Nonce`.
    var requestedDPoPNonce: String? {
        guard let nonce = headers.first(name: "dpop-nonce") else { return nil }
        let challenge = headers.first(name: "www-authenticate") ?? ""
        let body = String(decoding: self.body.prefix(512), as: UTF8.self)
        return challenge.contains("use_dpop_nonce") || body.contains("use_dpop_nonce") ? nonce : nil
    }
}
