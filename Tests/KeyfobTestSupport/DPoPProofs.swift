import Crypto
import Foundation

/// A client's DPoP key (RFC 9449) for tests, with proofs built by hand from the RFC's rules —
/// not with the code under test — so a test can also build every malformed proof.
public struct TestDPoPKey: Sendable {
    public enum Kind: Sendable { case es256, ed25519 }

    private let p256: P256.Signing.PrivateKey?
    private let ed25519: Curve25519.Signing.PrivateKey?

    /// A fresh key.
    public init(_ kind: Kind = .es256) {
        switch kind {
        case .es256: (p256, ed25519) = (P256.Signing.PrivateKey(), nil)
        case .ed25519: (p256, ed25519) = (nil, Curve25519.Signing.PrivateKey())
        }
    }

    public var algorithm: String { p256 == nil ? "EdDSA" : "ES256" }

    /// The public JWK.
    public var jwk: [String: String] {
        if let p256 {
            let raw = p256.publicKey.rawRepresentation
            return ["kty": "EC", "crv": "P-256", "x": Self.base64URL(raw.prefix(32)), "y": Self.base64URL(raw.suffix(32))]
        }
        return ["kty": "OKP", "crv": "Ed25519", "x": Self.base64URL(ed25519!.publicKey.rawRepresentation)]
    }

    /// The RFC 7638 thumbprint: SHA-256 of the required members, sorted, without whitespace.
    public var thumbprint: String {
        let canonical = try! JSONSerialization.data(withJSONObject: jwk, options: [.sortedKeys, .withoutEscapingSlashes])
        return Self.base64URL(Data(SHA256.hash(data: canonical)))
    }

    /// A proof for `method` `url` made at `at`, with `ath` for `accessToken`. `header` and
    /// `claims` replace or add members (`NSNull()` removes one).
    public func proof(
        _ url: String,
        at: Date,
        accessToken: String? = nil,
        nonce: String? = nil,
        jti: String = UUID().uuidString,
        header: [String: Any] = [:],
        claims: [String: Any] = [:]
    ) -> String {
        proof("POST", url, at: at, accessToken: accessToken, nonce: nonce, jti: jti, header: header, claims: claims)
    }

    /// The same for another method.
    public func proof(
        _ method: String,
        _ url: String,
        at: Date,
        accessToken: String? = nil,
        nonce: String? = nil,
        jti: String = UUID().uuidString,
        header: [String: Any] = [:],
        claims: [String: Any] = [:]
    ) -> String {
        var head: [String: Any] = ["typ": "dpop+jwt", "alg": algorithm, "jwk": jwk]
        var body: [String: Any] = ["jti": jti, "htm": method, "htu": url, "iat": Int(at.timeIntervalSince1970)]
        if let accessToken { body["ath"] = Self.base64URL(Data(SHA256.hash(data: Data(accessToken.utf8)))) }
        if let nonce { body["nonce"] = nonce }
        for (name, value) in header { head[name] = value is NSNull ? nil : value }
        for (name, value) in claims { body[name] = value is NSNull ? nil : value }
        return sign(head, body)
    }

    /// A compact JWS of `header` and `claims`, signed with this key whatever `alg` says.
    public func sign(_ header: [String: Any], _ claims: [String: Any]) -> String {
        let input = Self.encode(header) + "." + Self.encode(claims)
        let signature: Data
        if let p256 {
            signature = try! p256.signature(for: Data(input.utf8)).rawRepresentation
        } else {
            signature = try! ed25519!.signature(for: Data(input.utf8))
        }
        return input + "." + Self.base64URL(signature)
    }

    static func encode(_ object: [String: Any]) -> String {
        base64URL(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    public static func base64URL(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
