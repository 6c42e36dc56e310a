import HTTPTypes
import Hummingbird
import KeyfobCore
import Logging

/// Turns the outcome of an OAuth endpoint into its answer: the response, or RFC 6749 §5.2 JSON for
/// an `OAuthError`, 503 for an unavailable store, and a bare `server_error` for anything else
/// (logged with the request id, never sent).
enum OAuthAnswer {
    /// Routes POST to `handler`, and answers other methods 405 in the endpoint's JSON shape.
    static func addPostRoute(
        _ path: String,
        to router: Router<KeyfobRequestContext>,
        _ handler: @escaping @Sendable (Request, KeyfobRequestContext) async -> Response
    ) {
        router.post(RouterPath(path), use: handler)
        for method in [HTTPRequest.Method.get, .put, .delete, .patch] {
            router.on(RouterPath(path), method: method) { _, _ in
                var response = OAuthError(.invalidRequest, "This endpoint accepts POST only.", status: 405).response()
                response.headers[.allow] = "POST"
                return response
            }
        }
    }

    static func respond(_ context: KeyfobRequestContext, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as OAuthError {
            log(error, context)
            return error.response()
        } catch let error as StoreUnavailableError {
            let answer = OAuthError.storeUnavailable(detail: error.description)
            log(answer, context)
            return answer.response()
        } catch {
            context.logger.error(
                "OAuth endpoint failed",
                metadata: ["keyfob.request_id": "\(context.requestID)", "error": "\(String(reflecting: type(of: error)))"]
            )
            return OAuthError(.serverError, "An unexpected error occurred.", status: 500).response()
        }
    }

    private static func log(_ error: OAuthError, _ context: KeyfobRequestContext) {
        var metadata: Logger.Metadata = [
            "keyfob.request_id": "\(context.requestID)", "keyfob.error": "\(error.code.rawValue)",
        ]
        if let detail = error.detail { metadata["keyfob.detail"] = "\(detail)" }
        let level: Logger.Level = error.status >= 500 ? .warning : .debug
        context.logger.log(level: level, "token request refused", metadata: metadata)
    }

}
