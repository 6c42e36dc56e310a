import Foundation

/// Pushed authorization requests (RFC 9126): the authorize parameters go to Keyfob over the
/// client-authenticated back channel, and the browser gets a link with only a reference to them,
/// so nothing on the way can read or change what the app asked for.
extension AuthClient {
    struct PushedRequest: Decodable {
        let request_uri: String
        let expires_in: Int
    }

    /// Pushes an authorize request to `POST /oauth/par` and returns the Connect URL to send the
    /// owner to within a minute. It works once; an application registered with `--require-par`
    /// must start Connect this way.
    public func pushedAuthorizationURL(scope: [String], options: ConnectOptions = ConnectOptions()) async throws -> URL {
        let answer = try await post(authorizeParameters(scope: scope, options: options), to: origins.pushedAuthorizationRequestURL)
        guard answer.status == 201 else {
            throw KeyfobClientError.oauth(status: answer.status, body: answer.body, retryAfter: answer.retryAfter)
        }
        let pushed: PushedRequest
        do {
            pushed = try JSONDecoder().decode(PushedRequest.self, from: answer.body)
        } catch {
            throw KeyfobClientError.unexpectedResponse(status: 201, body: String(decoding: answer.body.prefix(512), as: UTF8.self))
        }
        let query = FormEncoding.encode([("client_id", clientID), ("request_uri", pushed.request_uri)])
        return URL(string: origins.authorizeURL + "?" + query)!
    }
}
