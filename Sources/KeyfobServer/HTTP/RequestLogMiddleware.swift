import Hummingbird
import Logging

/// One log line per request at debug level: the route template (never the path, whose query may
/// hold a code or state), the status and the duration. `buildApplication` adds it only when the
/// server logs at debug or trace (`--log-level debug` turns the access log on), so at the default
/// level a request pays neither the line nor the middleware.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = KeyfobRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.logger.logLevel <= .debug else { return try await next(request, context) }
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.debug(
            "request",
            metadata: [
                "keyfob.request_id": "\(context.requestID)", "keyfob.route": "\(context.endpointPath ?? "unmatched")",
                "keyfob.method": "\(request.method)", "keyfob.status": "\(response.status.code)",
                "keyfob.duration_ms": "\((milliseconds * 100).rounded() / 100)",
            ]
        )
        return response
    }
}
