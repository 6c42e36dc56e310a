import Foundation

/// Every failure of `AuthClient` and `VehicleAPIClient`: an answer from the server (OAuth or v2
/// API error) kept apart from a failure to get one (transport).
public enum KeyfobClientError: Error, Sendable, Equatable {
    /// The token endpoint refused (RFC 6749 §5.2).
    case oauth(OAuthFailure)
    /// The API answered with Smartcar's v2 error body.
    case api(APIFailure)
    /// No answer: connection refused, timeout, TLS failure. The description is the transport's.
    case transport(String)
    /// An answer that is neither success nor a known error shape.
    case unexpectedResponse(status: Int, body: String)

    /// `error` and `error_description` from the token endpoint.
    public struct OAuthFailure: Sendable, Equatable {
        /// The HTTP status.
        public var statusCode: Int
        /// The RFC 6749 code, e.g. `invalid_grant`.
        public var code: String
        /// `error_description`.
        public var description: String
        /// Seconds from `Retry-After`, when the server sent one.
        public var retryAfter: Int?
    }

    /// Smartcar's v2 error fields.
    public struct APIFailure: Sendable, Equatable {
        /// `type`, e.g. `AUTHENTICATION`.
        public var type: String
        /// `code`, a finer cause; often nil.
        public var code: String?
        /// `description`.
        public var description: String
        /// `docURL`, a page about this error type.
        public var docURL: String
        /// `statusCode`.
        public var statusCode: Int
        /// `requestId` (also the `sc-request-id` header): quote it when asking for support.
        public var requestID: String
        /// `resolution.type`, what the app should do; often nil.
        public var resolutionType: String?
        /// Seconds from `retry-after`, when the server sent one.
        public var retryAfter: Int?

        /// `type` as a value to switch on.
        public var kind: Kind { Kind(rawValue: type) ?? .other }

        /// Smartcar's v2 error types.
        public enum Kind: String, Sendable, Equatable {
            case validation = "VALIDATION"
            case authentication = "AUTHENTICATION"
            case permission = "PERMISSION"
            case resourceNotFound = "RESOURCE_NOT_FOUND"
            /// A command the vehicle's state refused; `code` says why (`IN_MOTION`, …).
            case vehicleState = "VEHICLE_STATE"
            case rateLimit = "RATE_LIMIT"
            case server = "SERVER"
            /// What the vehicle cannot do at all (`code` `VEHICLE_NOT_CAPABLE`).
            case compatibility = "COMPATIBILITY"
            /// A type this version of the client does not know.
            case other = ""
        }
    }
}

extension KeyfobClientError {
    /// Decodes a token-endpoint error answer.
    static func oauth(status: Int, body: Data, retryAfter: Int?) -> KeyfobClientError {
        struct Wire: Decodable {
            let error: String
            let error_description: String?
        }
        guard let wire = try? JSONDecoder().decode(Wire.self, from: body) else {
            return .unexpectedResponse(status: status, body: String(decoding: body.prefix(512), as: UTF8.self))
        }
        return .oauth(OAuthFailure(statusCode: status, code: wire.error, description: wire.error_description ?? "", retryAfter: retryAfter))
    }

    /// Decodes a v2 API error answer.
    static func api(status: Int, body: Data, requestID: String?, retryAfter: Int?) -> KeyfobClientError {
        struct Wire: Decodable {
            struct Resolution: Decodable { let type: String? }
            let type: String
            let code: String?
            let description: String
            let docURL: String?
            let statusCode: Int?
            let requestId: String?
            let resolution: Resolution?
        }
        guard let wire = try? JSONDecoder().decode(Wire.self, from: body) else {
            return .unexpectedResponse(status: status, body: String(decoding: body.prefix(512), as: UTF8.self))
        }
        return .api(
            APIFailure(
                type: wire.type,
                code: wire.code,
                description: wire.description,
                docURL: wire.docURL ?? "",
                statusCode: wire.statusCode ?? status,
                requestID: wire.requestId ?? requestID ?? "",
                resolutionType: wire.resolution?.type,
                retryAfter: retryAfter
            )
        )
    }
}
