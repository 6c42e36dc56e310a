import HTTPTypes
import Hummingbird
import Logging

/// Wraps the router so every response, including the router's own 404s and errors no handler
/// caught, carries `sc-request-id`. An error that is not an HTTP error is logged with the request
/// id and answered as a bare 500, so no internal detail leaves the server.
struct RequestIDResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == KeyfobRequestContext {
    typealias Context = KeyfobRequestContext
    let inner: Inner

    func respond(to request: Request, context: Context) async throws -> Response {
        var response: Response
        do {
            response = try await inner.respond(to: request, context: context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            context.logger.error(
                "unhandled error", metadata: ["keyfob.request_id": "\(context.requestID)", "error": "\(String(reflecting: type(of: error)))"])
            response = Response(status: .internalServerError)
        }
        response.headers[.scRequestID] = context.requestID
        return response
    }
}

extension HTTPField.Name {
    /// Smartcar's request id header; HTTP/1 field names are case-insensitive, and we send it lowercase.
    static let scRequestID = HTTPField.Name("sc-request-id")!
    static let pragma = HTTPField.Name("Pragma")!
    static let retryAfter = HTTPField.Name("Retry-After")!
}
