import Crypto
import Foundation
import JWTKit

/// What a checked DPoP proof (RFC 9449 §4) says.
public struct DPoPProof: Sendable, Equatable {
    /// The RFC 7638 thumbprint of the proof's key: what a bound token's `cnf.jkt` holds.
    public var thumbprint: String
    /// The proof's unique id, recorded so it is never accepted twice.
    public var jti: String
    /// When the client made it.
    public var issuedAt: Date
    /// The server nonce it carries, if any.
    public var nonce: String?
}

/// Checks what a DPoP proof says by itself (RFC 9449 §4.3): a compact JWS of type `dpop+jwt`,
/// signed with ES256 or EdDSA by the public key in its own header, for this method and URL, made
/// within the last minute, and — for a call with an access token — carrying that token's hash.
/// Replay and nonce need the store and the server's settings: `DPoPChecker` adds them.
public struct DPoPProofVerifier: Sendable {
    /// The algorithms Keyfob accepts (metadata's `dpop_signing_alg_values_supported`). Never
    /// `none` or an HMAC: a proof must be signed by a key only the client holds.
    public static let algorithms = ["ES256", "EdDSA"]
    /// A proof is a few hundred bytes; anything near this is not one.
    public static let maxSize = 8 * 1024
    /// How old a proof may be. Its `jti` is remembered for as long, so a replay inside the
    /// window is caught by the record and one after it by its age.
    public static let maxAge: TimeInterval = 60
    /// How far ahead of Keyfob's clock a client's may run.
    public static let maxClockSkew: TimeInterval = 30
    /// The longest `jti` kept.
    public static let maxJTILength = 256

    /// Members only a private key has (RFC 7518 §6); a proof that carries one has leaked it.
    static let privateMembers: Set = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    /// Makes a verifier.
    public init() {}

    /// The claims Keyfob reads; others are ignored.
    struct Claims: JWTPayload {
        var jti: String?
        var htm: String?
        var htu: String?
        var iat: Double?
        var ath: String?
        var nonce: String?

        // The checks need the request, so they are made after decoding, in `verify`.
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// Checks `proof` for a request with `method` to `url` (its query and fragment ignored) at
    /// `now`. `accessToken` is the token the request presents, if any, which `ath` must hash.
    public func verify(
        _ proof: String,
        method: String,
        url: String,
        accessToken: String?,
        at now: Date
    ) async throws(DPoPFailure) -> DPoPProof {
        guard proof.utf8.count <= Self.maxSize else { throw .invalid("The DPoP proof is larger than \(Self.maxSize) bytes.") }
        let (algorithm, key) = try Self.header(of: proof)
        let keys = JWTKeyCollection()
        let thumbprint: String
        do {
            switch (algorithm, key.kty, key.crv) {
            case ("ES256", "EC", "P-256"):
                guard let x = key.x, let y = key.y else { throw DPoPFailure.invalid("The jwk lacks x or y.") }
                await keys.add(ecdsa: try ES256PublicKey(parameters: (x, y)))
                thumbprint = JWKThumbprint.ellipticCurve(crv: "P-256", x: x, y: y)
            case ("EdDSA", "OKP", "Ed25519"):
                guard let x = key.x else { throw DPoPFailure.invalid("The jwk lacks x.") }
                await keys.add(eddsa: try EdDSA.PublicKey(x: x, curve: .ed25519))
                thumbprint = JWKThumbprint.octetKeyPair(crv: "Ed25519", x: x)
            default:
                throw DPoPFailure.invalid("The jwk must be an EC P-256 key for ES256 or an OKP Ed25519 key for EdDSA.")
            }
        } catch let failure as DPoPFailure {
            throw failure
        } catch {
            throw .invalid("The jwk is not a valid public key.")
        }
        let claims: Claims
        do {
            claims = try await keys.verify(proof, as: Claims.self)
        } catch {
            throw .invalid("The DPoP proof's signature does not verify with its jwk, or its claims are malformed.")
        }
        return try Self.check(claims, thumbprint: thumbprint, method: method, url: url, accessToken: accessToken, at: now)
    }

    /// The header's `alg` and `jwk`, checked before any key is built (RFC 9449 §4.3 steps 4–7).
    static func header(of proof: String) throws(DPoPFailure) -> (algorithm: String, key: ProofKey) {
        let parts = proof.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Data(base64URLEncoded: String(parts[0])),
            let header = try? JSONDecoder().decode(ProofHeader.self, from: data)
        else { throw .invalid("The DPoP proof is not a compact JWS.") }
        guard header.typ?.lowercased() == "dpop+jwt" else { throw .invalid("The DPoP proof's typ must be dpop+jwt.") }
        guard let algorithm = header.alg, algorithms.contains(algorithm) else {
            throw .invalid("The DPoP proof's alg must be one of \(algorithms.joined(separator: ", ")).")
        }
        guard let key = header.jwk else { throw .invalid("The DPoP proof's header must carry its public key as jwk.") }
        guard key.members.isDisjoint(with: privateMembers) else {
            throw .invalid("The DPoP proof's jwk carries private key material; send the public key only.")
        }
        return (algorithm, key)
    }

    /// The header members a proof is checked by, as typed fields: decoding into a struct costs
    /// a fraction of a dynamic JSON value (the header was a tenth of a DPoP exchange's time
    /// when it was one; BENCHMARKS.md). A member of the wrong JSON type fails the decode, so
    /// the proof is "not a compact JWS".
    struct ProofHeader: Decodable {
        var typ: String?
        var alg: String?
        var jwk: ProofKey?
    }

    /// The `jwk` header member: the public key's fields, and the names of all its members, to
    /// refuse a key that carries private ones.
    struct ProofKey: Decodable {
        var kty: String?
        var crv: String?
        var x: String?
        var y: String?
        var members: Set<String>

        struct Member: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Member.self)
            members = Set(container.allKeys.map(\.stringValue))
            kty = try container.decodeIfPresent(String.self, forKey: Member(stringValue: "kty"))
            crv = try container.decodeIfPresent(String.self, forKey: Member(stringValue: "crv"))
            x = try container.decodeIfPresent(String.self, forKey: Member(stringValue: "x"))
            y = try container.decodeIfPresent(String.self, forKey: Member(stringValue: "y"))
        }
    }

    /// The claims' checks (RFC 9449 §4.3 steps 8–12, without replay and nonce).
    static func check(
        _ claims: Claims,
        thumbprint: String,
        method: String,
        url: String,
        accessToken: String?,
        at now: Date
    ) throws(DPoPFailure) -> DPoPProof {
        guard let jti = claims.jti, !jti.isEmpty, jti.utf8.count <= maxJTILength else {
            throw .invalid("The DPoP proof needs a jti of 1 to \(maxJTILength) bytes.")
        }
        guard claims.htm == method else { throw .invalid("The DPoP proof's htm must be \(method), the request's method.") }
        guard let htu = claims.htu, let presented = Self.comparable(htu), presented == Self.comparable(url) else {
            throw .invalid("The DPoP proof's htu must be \(url), the request's URL without query or fragment.")
        }
        guard let iat = claims.iat else { throw .invalid("The DPoP proof needs iat.") }
        let issuedAt = Date(timeIntervalSince1970: iat)
        guard issuedAt >= now - maxAge else { throw .invalid("The DPoP proof is more than \(Int(maxAge)) seconds old.") }
        guard issuedAt <= now + maxClockSkew else { throw .invalid("The DPoP proof's iat is in the future.") }
        if let accessToken {
            guard let ath = claims.ath else { throw .invalid("The DPoP proof must carry ath, the hash of the access token.") }
            guard ath == Data(SHA256.hash(data: Data(accessToken.utf8))).base64URLEncodedString() else {
                throw .invalid("The DPoP proof's ath does not match the access token.")
            }
        }
        return DPoPProof(thumbprint: thumbprint, jti: jti, issuedAt: issuedAt, nonce: claims.nonce)
    }

    /// A URL as RFC 9449 §4.3 compares it: scheme and host in lower case, a default port
    /// dropped, query and fragment ignored, the path exactly as sent.
    static func comparable(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        let defaultPort = (scheme == "https" && components.port == 443) || (scheme == "http" && components.port == 80)
        let port = components.port.map { defaultPort ? "" : ":\($0)" } ?? ""
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        return scheme + "://" + host + port + path
    }
}
