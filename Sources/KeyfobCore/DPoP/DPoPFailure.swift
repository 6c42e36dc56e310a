/// Why a DPoP proof (RFC 9449) was refused: the error code of §5 and §7.1, and words for the
/// developer. The token endpoint sends it as an OAuth error, the vehicle API in its
/// `WWW-Authenticate: DPoP` challenge.
public struct DPoPFailure: Error, Sendable, Equatable {
    /// `invalid_dpop_proof`, or `use_dpop_nonce` when the server wants a nonce it gave.
    public var code: String
    /// Sent as `error_description`.
    public var description: String
    /// The nonce to use next (`DPoP-Nonce`), with `use_dpop_nonce`.
    public var nonce: String?

    /// The proof is malformed, badly signed, for another request, stale or replayed.
    public static func invalid(_ description: String) -> DPoPFailure {
        DPoPFailure(code: "invalid_dpop_proof", description: description, nonce: nil)
    }

    /// The proof lacks the nonce the server now requires (RFC 9449 §8).
    public static func useNonce(_ nonce: String) -> DPoPFailure {
        DPoPFailure(code: "use_dpop_nonce", description: "Send the server's DPoP-Nonce in the proof's nonce claim.", nonce: nonce)
    }
}

extension DPoPFailure {
    /// The answer at the token endpoint (RFC 9449 §5): 400 with the code.
    public var oauthError: OAuthError {
        var error = OAuthError(OAuthError.Code(rawValue: code), description)
        error.dpopNonce = nonce
        return error
    }
}
