import Foundation
import KeyfobCore

extension ConnectFlow {
    /// `GET /oauth/authorize?client_id=…&request_uri=…` (RFC 9126 §4): starts Connect with the
    /// parameters the client pushed. Any other parameter in the link is ignored: the pushed
    /// request is the whole request. A request_uri that is unknown, expired, used or another
    /// client's is a page, since nothing trusted says where to redirect.
    func startPushed(requestURI: String, clientID: String?) async throws -> (step: Step, sessionToken: String?) {
        guard let clientID, let id = UUID(text: clientID), let application = try await store.application(id: id) else {
            return (.page(status: 400, message: "This link names an application that is not registered with Keyfob."), nil)
        }
        guard let reference = PushedAuthorizationEndpoint.reference(in: requestURI),
            let request = try await store.takePushedRequest(digest: .of(reference), applicationID: id, at: clock.now)
        else {
            return (
                .page(
                    status: 400,
                    message: "This sign-in link has expired or was already used. Go back to \(application.name) and start again."
                ), nil
            )
        }
        // The registration may have changed in the seconds since the push.
        guard application.redirectURIs.contains(request.redirectURI) else {
            return (.page(status: 400, message: "The redirect URI of this request is no longer registered for \(application.name)."), nil)
        }
        return try await beginSession(request, application)
    }
}
