import HTTPTypes
import Hummingbird
import KeyfobCore

extension APIError {
    /// Smartcar's v2 error body (docs/contract.md §4), every key present.
    struct Body: Encodable {
        struct Resolution: Encodable {
            let type: String?
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(type, forKey: .type)
            }
            enum CodingKeys: String, CodingKey { case type }
        }

        let type: String
        let code: String?
        let description: String
        let docURL: String
        let statusCode: Int
        let requestId: String
        let resolution: Resolution

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(code, forKey: .code)  // null, not absent
            try container.encode(description, forKey: .description)
            try container.encode(docURL, forKey: .docURL)
            try container.encode(statusCode, forKey: .statusCode)
            try container.encode(requestId, forKey: .requestId)
            try container.encode(resolution, forKey: .resolution)
        }
        enum CodingKeys: String, CodingKey { case type, code, description, docURL, statusCode, requestId, resolution }
    }

    /// Smartcar documents each error type on its own page; SDKs show the link to developers.
    var docURL: String {
        "https://smartcar.com/docs/errors/api-errors/\(kind.rawValue.lowercased().replacingOccurrences(of: "_", with: "-"))-errors"
    }

    /// The error's body, as an answer and as a batch entry carry it.
    func body(requestID: String) -> Body {
        Body(
            type: kind.rawValue,
            code: code,
            description: description,
            docURL: docURL,
            statusCode: statusCode,
            requestId: requestID,
            resolution: .init(type: nil)
        )
    }

    func response(requestID: String) -> Response {
        let body = body(requestID: requestID)
        var headers: HTTPFields = [:]
        if kind == .authentication {
            if challengesDPoP {
                // RFC 9449 §7.1: the scheme the token needs, and the algorithms a proof may use.
                let algorithms = DPoPProofVerifier.algorithms.joined(separator: " ")
                headers[.wwwAuthenticate] =
                    "DPoP realm=\"keyfob\"" + (bearerError.map { ", error=\"\($0)\"" } ?? "") + ", algs=\"\(algorithms)\""
            } else {
                // RFC 6750 §3: the challenge names the error only when a token was presented.
                headers[.wwwAuthenticate] = bearerError.map { "Bearer realm=\"keyfob\", error=\"\($0)\"" } ?? "Bearer realm=\"keyfob\""
            }
        }
        if let dpopNonce { headers[.dpopNonce] = dpopNonce }
        if kind == .rateLimit || statusCode == 503 { headers[HTTPField.Name("retry-after")!] = String(retryAfter ?? 1) }
        return JSONBody.response(status: .init(code: statusCode), body: JSONBody.encode(body), headers: headers)
    }
}
