import Foundation
import KeyfobClient
import KeyfobCore
import KeyfobTestSupport
import Testing

/// `pushedAuthorizationURL` against a live Keyfob: the link it returns carries only the client id
/// and a request_uri, and runs Connect with what was pushed.
@Suite("KeyfobClient pushed authorization requests")
struct PushedClientInteropTests {
    @Test func aPushedLinkRunsConnectForAnAppThatRequiresPAR() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app(requiresPAR: true)
            let sdk = AuthClient(
                clientID: app.id,
                clientSecret: app.secret,
                redirectURI: Fixtures.redirectURI,
                mode: .test,
                origins: .keyfob(server.baseURL)
            )
            let link = try await sdk.pushedAuthorizationURL(scope: ["read_odometer"], options: ConnectOptions(state: "from-sdk"))
            let query = try #require(URLComponents(url: link, resolvingAgainstBaseURL: false)?.queryItems)
            #expect(Set(query.map(\.name)) == ["client_id", "request_uri"])
            #expect(link.absoluteString.hasPrefix(server.baseURL + "/oauth/authorize?"))

            let done = try await server.connect(app, startURL: link.absoluteString)
            #expect(done.redirectParameters["state"] == "from-sdk")
            let access = try await sdk.exchangeCode(try #require(done.redirectParameters["code"]))
            #expect(try await sdk.api.user(accessToken: access.accessToken).isEmpty == false)

            // The plain link is refused for this app; the SDK's error names the server's.
            let wrong = AuthClient(
                clientID: app.id,
                clientSecret: "wrong",
                redirectURI: Fixtures.redirectURI,
                mode: .test,
                origins: .keyfob(server.baseURL)
            )
            do {
                _ = try await wrong.pushedAuthorizationURL(scope: [])
                Issue.record("a wrong secret pushed")
            } catch KeyfobClientError.oauth(let failure) {
                #expect(failure.statusCode == 401 && failure.code == "invalid_client")
            }
        }
    }
}
