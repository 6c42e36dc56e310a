/// An error of the vehicle API, in Smartcar's v2 vocabulary (docs/contract.md §4).
public struct APIError: Error, Sendable, Equatable {
    /// Smartcar's error `type`, which fixes the HTTP status.
    public enum Kind: String, Sendable {
        case validation = "VALIDATION"
        case authentication = "AUTHENTICATION"
        case permission = "PERMISSION"
        case resourceNotFound = "RESOURCE_NOT_FOUND"
        /// A command the vehicle's present state refuses (docs/contract.md §7).
        case vehicleState = "VEHICLE_STATE"
        case rateLimit = "RATE_LIMIT"
        case server = "SERVER"
        /// What the vehicle cannot do at all, e.g. fuel on a battery EV (docs/contract.md §7).
        case compatibility = "COMPATIBILITY"

        /// The HTTP status that goes with the type.
        public var statusCode: Int {
            switch self {
            case .validation: 400
            case .authentication: 401
            case .permission: 403
            case .resourceNotFound: 404
            case .vehicleState: 409
            case .rateLimit: 429
            case .server: 500
            case .compatibility: 501
            }
        }
    }

    /// The error type, which fixes the status.
    public var kind: Kind
    /// Sent as `description`.
    public var description: String
    /// Smartcar's finer `code`; nil where there is none.
    public var code: String?
    /// RFC 6750 §3.1's error code for the `WWW-Authenticate: Bearer` challenge of a 401, when a
    /// token was presented (`invalid_token`); nil when none was.
    public var bearerError: String?
    /// The HTTP status, the type's own unless set (a `SERVER` error that is only passing is 503).
    public var statusCode: Int
    /// Seconds for `Retry-After` on a 429 or 503; 1 when not set.
    public var retryAfter: Int?
    /// A 401's challenge is `WWW-Authenticate: DPoP` (RFC 9449 §7.1) rather than `Bearer`: the
    /// token is DPoP-bound, or its proof was refused.
    public var challengesDPoP = false
    /// The nonce the next DPoP proof must carry (`DPoP-Nonce`, RFC 9449 §8).
    public var dpopNonce: String?

    /// The store cannot answer now: `SERVER`, but 503 with `Retry-After`, since a retry will do.
    public static let temporarilyUnavailable: APIError = {
        var error = APIError(.server, "The service is temporarily unavailable; retry shortly.")
        error.statusCode = 503
        return error
    }()

    /// Makes an API error.
    public init(_ kind: Kind, _ description: String, code: String? = nil, bearerError: String? = nil) {
        self.kind = kind
        self.description = description
        self.code = code
        self.bearerError = bearerError
        self.statusCode = kind.statusCode
    }

    /// A 401 for a bearer token that was presented but opens nothing (RFC 6750 §3.1 `invalid_token`).
    public static func invalidToken(_ description: String) -> APIError {
        APIError(.authentication, description, bearerError: "invalid_token")
    }

    /// A 401 with a DPoP challenge (RFC 9449 §7.1): `error` is `invalid_token`,
    /// `invalid_dpop_proof` or `use_dpop_nonce`.
    public static func dpop(_ error: String, _ description: String, nonce: String? = nil) -> APIError {
        var refusal = APIError(.authentication, description, bearerError: error)
        refusal.challengesDPoP = true
        refusal.dpopNonce = nonce
        return refusal
    }
}
