import HTTPTypes
import Hummingbird
import KeyfobCore

extension OAuthError {
    /// RFC 6749 §5.2: a JSON body with `error` and `error_description`, never cached.
    func response() -> Response {
        var headers = TokenController.noStoreHeaders
        if challengesBasic { headers[.wwwAuthenticate] = "Basic realm=\"keyfob\", charset=\"UTF-8\"" }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let dpopNonce { headers[.dpopNonce] = dpopNonce }
        let body = JSONBody.object(["error": code.rawValue, "error_description": errorDescription])
        return JSONBody.response(status: .init(code: status), body: body, headers: headers)
    }
}

extension TokenResponse {
    /// RFC 6749 §5.1: the token answer, never cached. Written by hand: every value is a UUID, a
    /// fixed word or a number, so nothing needs escaping, and this is the hottest answer we give.
    func response() -> Response {
        var json = "{\"access_token\":\"\(accessToken)\",\"token_type\":\"\(tokenType)\",\"expires_in\":\(expiresIn)"
        if let refreshToken { json += ",\"refresh_token\":\"\(refreshToken)\"" }
        // Permission names are known identifiers ([a-z_]): nothing to escape here either.
        if let scope { json += ",\"scope\":\"\(scope)\"" }
        json += "}"
        return JSONBody.response(status: .ok, body: ByteBuffer(string: json), headers: TokenController.noStoreHeaders)
    }
}

extension HTTPField.Name {
    /// RFC 9449 §9.
    static let dpop = HTTPField.Name("DPoP")!
    /// RFC 9449 §8.
    static let dpopNonce = HTTPField.Name("DPoP-Nonce")!
}
