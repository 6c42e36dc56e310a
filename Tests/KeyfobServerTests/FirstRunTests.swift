import Foundation
import KeyfobConnect
import KeyfobCore
import KeyfobServer
import KeyfobTestSupport
import Testing

/// What a new user meets first: the Demo App's landing page, production's Connect modes, and the
/// redirect URIs registration refuses.
@Suite("first run")
struct FirstRunTests {
    @Test func theDemoCallbackShowsTheCodeAndTheCurlThatExchangesItEscaped() async throws {
        try await TestServer.with { server in
            let page = try await TestHTTP.send(.GET, server.baseURL + "/demo/callback?code=abc-123&state=demo")
            #expect(page.status == 200 && page.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(page.text.contains("code=abc-123") && page.text.contains(server.baseURL + "/oauth/token"))
            #expect(page.text.contains("redirect_uri=\(server.baseURL)/demo/callback"))
            #expect(page.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
            let hostile = try await TestHTTP.send(.GET, server.baseURL + "/demo/callback?code=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
            #expect(!hostile.text.contains("<script>") && hostile.text.contains("&lt;script&gt;"))
            let denied = try await TestHTTP.send(.GET, server.baseURL + "/demo/callback?error=access_denied&error_description=The+owner+said+no")
            #expect(denied.text.contains("access_denied") && denied.text.contains("The owner said no") && !denied.text.contains("curl"))
        }
    }

    @Test func aServerOfLiveModeOnlyRefusesTestAndSimulatedConnect() async throws {
        let liveOnly: @Sendable (inout KeyfobConfiguration) -> Void = { $0.connectModes = [.live] }
        try await TestServer.with(configure: liveOnly) { server in
            let app = try await server.fixtures.app()
            for mode in ["test", "simulated"] {
                let browser = ConnectBrowser(baseURL: server.baseURL)
                let refused = try await browser.get(server.authorizeURL(app, [("mode", mode), ("state", "s")]))
                #expect(refused.status == 302 || refused.status == 303, "\(mode): \(refused.status)")
                #expect(refused.redirectParameters["error"] == "invalid_request", "\(mode)")
                #expect(refused.redirectParameters["error_description"]?.contains("turned off") == true)
            }
            let live = try await ConnectBrowser(baseURL: server.baseURL).get(server.authorizeURL(app, [("mode", "live")]))
            #expect(live.status == 200)
        }
    }

    @Test(arguments: ["http://app.example.com/cb", "http://192.168.1.5/cb", "http://localhost.example.com/cb"])
    func plainHTTPRedirectURIsToOtherHostsAreRefused(uri: String) {
        #expect(RedirectURI.problem(with: uri)?.contains("https") == true)
    }

    @Test(arguments: ["http://localhost:8000/callback", "http://127.0.0.1/cb", "http://[::1]:9000/cb", "http://127.1.2.3/cb"])
    func plainHTTPRedirectURIsToLoopbackAreAllowed(uri: String) {
        #expect(RedirectURI.problem(with: uri) == nil)
    }

    @Test func listeningEverywhereWithoutABaseURLLinksToLoopbackAndWarns() {
        var configuration = KeyfobConfiguration()
        configuration.host = "0.0.0.0"
        configuration.port = 8080
        #expect(configuration.effectiveBaseURL == "http://127.0.0.1:8080")
        #expect(configuration.developmentWarnings.contains { $0.contains("--base-url") && $0.contains("0.0.0.0") })
        configuration.connectModes = [.live]
        #expect(!configuration.developmentWarnings.contains { $0.contains("mode=test") })
        configuration.connectModes = Set(ConnectMode.allCases)
        #expect(configuration.developmentWarnings.contains { $0.contains("--connect-modes live") })
    }
}
