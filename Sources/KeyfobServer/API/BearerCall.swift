import Foundation
import HTTPTypes
import Hummingbird
import KeyfobCore

/// A `/v2.0` answer: a JSON body and the headers that go with it.
struct APIAnswer {
    var body: any Encodable
    var headers: HTTPFields = [:]
}

/// Runs a call that takes an access token: authenticates it, runs the call, and renders its
/// answer, or its error in Smartcar's v2 shape. A store that cannot answer is 503, anything
/// unexpected 500 without details (logged with the request id, never with the token).
struct BearerCall {
    let bearer: BearerAuthenticator
    /// Each token's allowance of calls.
    let limiter: APIRateLimiter
    /// The public origin, which a DPoP proof's `htu` names.
    let origin: ServerOrigin

    func respond(_ request: Request, _ context: KeyfobRequestContext, _ call: (BearerAccess) async throws -> APIAnswer) async -> Response {
        await Self.rendering(context) {
            let proofCall = BearerAuthenticator.Call(
                proofs: request.headers[values: .dpop],
                method: request.method.rawValue,
                url: origin.url + request.uri.path
            )
            let access = try await bearer.authenticate(authorization: request.headers[.authorization], call: proofCall)
            try limiter.admit(access.token.digest)
            return try await call(access)
        }
    }

    /// Renders what `produce` answers or throws.
    static func rendering(_ context: KeyfobRequestContext, _ produce: () async throws -> APIAnswer) async -> Response {
        do {
            let answer = try await produce()
            return JSONBody.response(status: .ok, body: JSONBody.encode(answer.body), headers: answer.headers)
        } catch let error as APIError {
            return error.response(requestID: context.requestID)
        } catch let error as StoreUnavailableError {
            context.logger.warning("store unavailable", metadata: ["keyfob.request_id": "\(context.requestID)", "error": "\(error)"])
            return APIError.temporarilyUnavailable.response(requestID: context.requestID)
        } catch {
            context.logger.error(
                "vehicle API failed",
                metadata: ["keyfob.request_id": "\(context.requestID)", "error": "\(String(reflecting: type(of: error)))"]
            )
            return APIError(.server, "An unexpected error occurred.").response(requestID: context.requestID)
        }
    }
}
