import HTTPTypes
import Hummingbird
import KeyfobCore
import Logging

/// Wraps the router so every response, including the router's own 404s and errors no handler
/// caught, carries `sc-request-id`. An error that is not an HTTP error is logged with the request
/// id and answered as a bare 500, so no internal detail leaves the server.
///
/// It also holds the HTTP rules every route shares: a request without `Host` is 400 (RFC 9112
/// §3.2), and `HEAD` is answered as the route's `GET` without the body (RFC 9110 §9.3.2).
struct RequestIDResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == KeyfobRequestContext {
    typealias Context = KeyfobRequestContext
    let inner: Inner

    func respond(to request: Request, context: Context) async throws -> Response {
        var response: Response
        do {
            if request.head.authority == nil {
                response = Self.missingHost(path: request.uri.path, requestID: context.requestID)
            } else if request.method == .head {
                var head = request.head
                head.method = .get
                response = try await inner.respond(to: Request(head: head, body: request.body), context: context)
                let length = response.headers[.contentLength]
                response.body = ResponseBody()
                response.headers[.contentLength] = length
            } else {
                response = try await inner.respond(to: request, context: context)
            }
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            context.logger.error(
                "unhandled error",
                metadata: ["keyfob.request_id": "\(context.requestID)", "error": "\(String(reflecting: type(of: error)))"]
            )
            response = Response(status: .internalServerError)
        }
        if [.notFound, .methodNotAllowed].contains(response.status), response.headers[.contentType] == nil,
            request.uri.path.hasPrefix("/v2.0/")
        {
            // The router's own answer for a path it does not know, or knows for another method
            // only (POST /odometer): Smartcar's v2 shape, so the SDKs parse it like any error.
            response = APIError(.resourceNotFound, "No such endpoint.", code: "PATH").response(requestID: context.requestID)
        }
        response.headers[.scRequestID] = context.requestID
        return response
    }

    /// The 400 for a request without `Host`, in the shape of the part of the server it was for.
    static func missingHost(path: String, requestID: String) -> Response {
        let description = "The Host header is required."
        var response: Response
        if path.hasPrefix("/v2.0") {
            response = APIError(.validation, description).response(requestID: requestID)
        } else if path.hasPrefix("/oauth") {  // /oauth and /oauth2
            response = OAuthError.invalidRequest(description).response()
        } else {
            response = Response(status: .badRequest, body: ResponseBody(byteBuffer: ByteBuffer(string: description + "\n")))
        }
        response.headers[.connection] = "close"
        return response
    }
}

extension HTTPField.Name {
    /// Smartcar's request id header; HTTP/1 field names are case-insensitive, and we send it lowercase.
    static let scRequestID = HTTPField.Name("sc-request-id")!
    static let pragma = HTTPField.Name("Pragma")!
    static let retryAfter = HTTPField.Name("Retry-After")!
}
