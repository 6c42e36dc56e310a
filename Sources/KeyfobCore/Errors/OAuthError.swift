/// An error of the OAuth 2.0 protocol (RFC 6749 §5.2), carrying everything the HTTP layer needs to
/// answer it and a detail that is logged but never sent.
public struct OAuthError: Error, Sendable, Equatable {
    /// The RFC 6749 error code. Open, because extensions (RFC 6750, RFC 7009, …) add codes.
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
        /// The code as sent in `error`.
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }

        /// RFC 6749 §5.2: missing or repeated parameter, malformed request.
        public static let invalidRequest: Code = "invalid_request"
        /// RFC 6749 §5.2: client authentication failed.
        public static let invalidClient: Code = "invalid_client"
        /// RFC 6749 §5.2: the grant (code, refresh token) is invalid, expired, revoked or mismatched.
        public static let invalidGrant: Code = "invalid_grant"
        /// RFC 6749 §5.2: the client may not use this grant type.
        public static let unauthorizedClient: Code = "unauthorized_client"
        /// RFC 6749 §5.2: the grant type is not supported by this server.
        public static let unsupportedGrantType: Code = "unsupported_grant_type"
        /// RFC 6749 §5.2: the scope exceeds what the client may ask for.
        public static let invalidScope: Code = "invalid_scope"
        /// RFC 6749 §4.1.2.1: the server cannot answer now; the client may retry.
        public static let temporarilyUnavailable: Code = "temporarily_unavailable"
        /// RFC 6749 §4.1.2.1: an unexpected condition on the server.
        public static let serverError: Code = "server_error"
    }

    /// The RFC 6749 error code.
    public var code: Code
    /// Human-readable text sent as `error_description`.
    public var errorDescription: String
    /// The HTTP status of the answer.
    public var status: Int
    /// Logged with the request id, never sent: may name internal state, never a secret.
    public var detail: String?
    /// RFC 6749 §5.2: a 401 after a Basic attempt carries `WWW-Authenticate`.
    public var challengesBasic: Bool
    /// Seconds after which a retry may succeed (`Retry-After`), for 503 answers.
    public var retryAfter: Int?
    /// RFC 9449 §8: the nonce the client's next DPoP proof must carry (`DPoP-Nonce`).
    public var dpopNonce: String?

    /// Makes an error; the status defaults to 400, the one RFC 6749 §5.2 gives most errors.
    public init(
        _ code: Code,
        _ errorDescription: String,
        status: Int = 400,
        detail: String? = nil,
        challengesBasic: Bool = false,
        retryAfter: Int? = nil
    ) {
        self.code = code
        self.errorDescription = OAuthError.sanitized(errorDescription)
        self.status = status
        self.detail = detail
        self.challengesBasic = challengesBasic
        self.retryAfter = retryAfter
    }

    /// RFC 6749 §5.2 limits `error_description` to printable ASCII without `"` and `\`; descriptions
    /// that quote client input are folded into that set so the answer stays well-formed.
    package static func sanitized(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    switch scalar.value {
                    case 0x20...0x21, 0x23...0x5B, 0x5D...0x7E: scalar
                    default: "?"
                    }
                }
            )
        )
    }
}

extension OAuthError {
    /// 400 `invalid_request`.
    public static func invalidRequest(_ description: String) -> OAuthError {
        OAuthError(.invalidRequest, description)
    }

    /// 400 `invalid_grant`.
    public static func invalidGrant(_ description: String, detail: String? = nil) -> OAuthError {
        OAuthError(.invalidGrant, description, detail: detail)
    }

    /// 401 `invalid_client`, with a Basic challenge when the client tried Basic.
    public static func invalidClient(_ description: String, basicAttempted: Bool, detail: String? = nil) -> OAuthError {
        OAuthError(.invalidClient, description, status: 401, detail: detail, challengesBasic: basicAttempted)
    }

    /// 503 `temporarily_unavailable` with a `Retry-After`.
    public static func storeUnavailable(detail: String) -> OAuthError {
        OAuthError(
            .temporarilyUnavailable,
            "The service is temporarily unavailable; retry shortly.",
            status: 503,
            detail: detail,
            retryAfter: 1
        )
    }

    /// A description that quotes at most the first 64 characters of client input.
    public static func quoting(_ label: String, _ value: String) -> String {
        "\(label): \(value.prefix(64))."
    }
}
