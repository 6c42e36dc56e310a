import Foundation

/// Checks the access token of a vehicle API call: `Authorization: Bearer <token>` (RFC 6750
/// §2.1), or for a DPoP-bound token `Authorization: DPoP <token>` with a proof of its key made
/// for this call (RFC 9449 §7).
public struct BearerAuthenticator: Sendable {
    let store: any TokenStore
    let clock: any WallClock
    /// Checks the proofs of DPoP-bound tokens; nil refuses every bound token.
    let dpop: DPoPChecker?
    /// Reads opaque tokens, and JWT access tokens when the server signs them.
    let tokens: any AccessTokenReader

    /// Makes the authenticator.
    public init(store: any TokenStore, clock: any WallClock, dpop: DPoPChecker? = nil, tokens: any AccessTokenReader = OpaqueAccessTokens()) {
        self.store = store
        self.clock = clock
        self.dpop = dpop
        self.tokens = tokens
    }

    /// What a call presents besides its `Authorization` header, for a DPoP proof.
    public struct Call: Sendable {
        /// The `DPoP` header values.
        public var proofs: [String]
        /// The request method.
        public var method: String
        /// The request URL as the client addressed it, without the query.
        public var url: String

        public init(proofs: [String], method: String, url: String) {
            self.proofs = proofs
            self.method = method
            self.url = url
        }

        /// A call without a proof.
        public static let withoutProof = Call(proofs: [], method: "GET", url: "")
    }

    /// The access the header proves, or a 401 `AUTHENTICATION` error.
    public func authenticate(authorization header: String?, call: Call = .withoutProof) async throws -> BearerAccess {
        guard let header, !header.isEmpty else {
            throw APIError(.authentication, "The request is missing an access token: send Authorization: Bearer <token>.")
        }
        guard let (scheme, token) = Self.credentials(header), scheme == "bearer" || scheme == "dpop" else {
            throw APIError(.authentication, "The Authorization header must use the Bearer or DPoP scheme.")
        }
        guard let reference = try await tokens.reference(of: token) else {
            throw APIError.invalidToken("The access token is malformed, or not signed by this server.")
        }
        guard let access = try await store.bearerAccess(digest: .of(reference)) else {
            throw APIError.invalidToken("The access token is invalid.")
        }
        guard !access.token.revoked else { throw APIError.invalidToken("The access token has been revoked.") }
        guard access.token.expiresAt > clock.now else { throw APIError.invalidToken("The access token has expired.") }
        if let bound = access.token.keyThumbprint {
            try await checkProof(of: bound, token: token, scheme: scheme, call: call)
        } else if scheme == "dpop" {
            throw APIError.invalidToken("This access token is a bearer token: send Authorization: Bearer <token>.")
        }
        return access
    }

    /// The scheme (lowercased) and the token of `<scheme> <token>` (RFC 9110 §11.4: a space
    /// after the scheme), spaces and tabs around the token ignored; nil without both. Read by
    /// byte: Foundation's trimming went through `NSString`, 2.5 % of a bearer call.
    static func credentials(_ header: String) -> (scheme: String, token: String)? {
        let bytes = Substring(header).utf8
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let schemeStart = bytes.firstIndex(where: { !isBlank($0) }),
            let schemeEnd = bytes[schemeStart...].firstIndex(of: UInt8(ascii: " ")),
            let tokenStart = bytes[schemeEnd...].firstIndex(where: { !isBlank($0) }),
            let tokenLast = bytes.lastIndex(where: { !isBlank($0) })
        else { return nil }
        let scheme = String(Substring(bytes[schemeStart..<schemeEnd])).lowercased()
        return (scheme, String(Substring(bytes[tokenStart...tokenLast])))
    }

    /// RFC 9449 §7: a bound token is accepted only under the DPoP scheme, with a proof for this
    /// call made with the key it is bound to. As a Bearer token it is refused, so a stolen one is
    /// worthless without the key.
    private func checkProof(of bound: String, token: String, scheme: String?, call: Call) async throws {
        guard scheme == "dpop" else {
            throw APIError.dpop("invalid_token", "This access token is DPoP-bound: send Authorization: DPoP <token> with a DPoP proof.")
        }
        guard let dpop else { throw APIError.dpop("invalid_token", "This server does not accept DPoP-bound tokens here.") }
        let proof: DPoPProof?
        do {
            proof = try await dpop.check(call.proofs, method: call.method, url: call.url, accessToken: token)
        } catch let failure as DPoPFailure {
            throw APIError.dpop(failure.code, failure.description, nonce: failure.nonce)
        }
        guard let proof else { throw APIError.dpop("invalid_dpop_proof", "This access token is DPoP-bound: send a DPoP proof with the call.") }
        guard proof.thumbprint == bound else {
            throw APIError.dpop("invalid_dpop_proof", "The DPoP proof is signed by another key than the one the token is bound to.")
        }
    }
}
