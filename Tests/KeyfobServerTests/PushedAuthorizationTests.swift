import Foundation
import KeyfobCore
import KeyfobTestSupport
import Testing

/// Pushed authorization requests (RFC 9126) over real HTTP: the app pushes its parameters, the
/// owner's browser arrives with a single-use request_uri, and Connect runs on what was pushed.
// One test at a time: the PostgreSQL cases each open their own database (see DeviceGrantTests).
@Suite("pushed authorization requests", .serialized)
struct PushedAuthorizationTests {
    @Test(arguments: StoreBackend.deviceSuite)
    func aPushedRequestRunsConnectOnceAndItsCodeIsExchanged(backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let app = try await server.fixtures.app()
            let pushed = try await server.push(app)
            #expect(pushed.status == 201, "\(pushed.text)")
            #expect(pushed.header("Cache-Control") == "no-store")
            #expect(pushed.json["expires_in"] as? Int == 60)
            let requestURI = try #require(pushed["request_uri"])
            #expect(requestURI.hasPrefix("urn:ietf:params:oauth:request_uri:"))

            // Parameters in the link beside the request_uri are not the request: the pushed ones are.
            let link = server.pushedAuthorizeURL(app, requestURI: requestURI) + "&state=changed&scope=control_security"
            let done = try await server.connect(app, startURL: link)
            #expect(done.status == 303, "\(done.text)")
            let parameters = done.redirectParameters
            #expect(parameters["state"] == "pushed-state")
            let pair = try await server.exchange(try #require(parameters["code"]), app: app)
            expectTokenPair(pair)
            #expect(pair["scope"] == "read_odometer read_vehicle_info")

            // Once: the link does not start a second flow.
            let again = try await ConnectBrowser(baseURL: server.baseURL).get(server.pushedAuthorizeURL(app, requestURI: requestURI))
            #expect(again.status == 400 && again.text.contains("expired or was already used"), "\(again.text)")

            // An unused push is cleaned up with the other expired records.
            _ = try #require(try await server.push(app)["request_uri"])
            #expect(try await server.store.deleteExpired(before: server.clock.now + 61) >= 1)
        }
    }

    @Test func aRequestURIIsBoundToItsClientAndExpiresAfterAMinute() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let other = try await server.fixtures.app(name: "Other App")
            let requestURI = try #require(try await server.push(app)["request_uri"])
            let browser = ConnectBrowser(baseURL: server.baseURL)

            let stolen = try await browser.get(server.pushedAuthorizeURL(other, requestURI: requestURI))
            #expect(stolen.status == 400 && stolen.text.contains("expired or was already used"))
            // Another client's attempt spends nothing: the app's own link still works.
            let own = try await browser.get(server.pushedAuthorizeURL(app, requestURI: requestURI))
            #expect(own.status == 200 && own.inputValue("csrf") != nil, "\(own.text)")

            let late = try #require(try await server.push(app)["request_uri"])
            server.clock.advance(by: 61)
            let expired = try await browser.get(server.pushedAuthorizeURL(app, requestURI: late))
            #expect(expired.status == 400 && expired.text.contains("expired or was already used"))

            for malformed in ["urn:ietf:params:oauth:request_uri:nope", "https://evil.example/request", String(repeating: "u", count: 4000)] {
                let reply = try await browser.get(server.pushedAuthorizeURL(app, requestURI: malformed))
                #expect(reply.status == 400 && reply.header("Location") == nil, "\(malformed.prefix(40)): \(reply.status)")
            }
            let noClient = try await browser.get(server.baseURL + "/oauth/authorize?" + TestHTTP.formEncode([("request_uri", late)]))
            #expect(noClient.status == 400 && noClient.text.contains("not registered"))
        }
    }

    @Test func badPushesGetTheirOAuthErrors() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let base = TestServer.pushedParameters
            func without(_ name: String) -> [(String, String)] { base.filter { $0.0 != name } }

            expectOAuthError(
                try await server.push(app, base + [("request_uri", "urn:ietf:params:oauth:request_uri:x")]),
                status: 400,
                error: "invalid_request"
            )
            expectOAuthError(try await server.push(app, without("scope") + [("scope", "fly_the_car")]), status: 400, error: "invalid_scope")
            expectOAuthError(
                try await server.push(app, without("redirect_uri") + [("redirect_uri", "https://evil.example/cb")]),
                status: 400,
                error: "invalid_request"
            )
            expectOAuthError(try await server.push(app, without("response_type")), status: 400, error: "invalid_request")
            expectOAuthError(
                try await server.push(app, without("response_type") + [("response_type", "token")]),
                status: 400,
                error: "invalid_request"
            )
            expectOAuthError(try await server.push(app, without("mode") + [("mode", "dream")]), status: 400, error: "invalid_request")
            expectOAuthError(
                try await server.push(app, base + [("code_challenge", "short"), ("code_challenge_method", "S256")]),
                status: 400,
                error: "invalid_request"
            )
            expectOAuthError(
                try await server.push(app, without("state") + [("state", String(repeating: "s", count: 3000))]),
                status: 400,
                error: "invalid_request"
            )

            let wrongSecret = try await server.token(base, headers: [TestHTTP.basic(app.id, "wrong")], path: "/oauth/par")
            expectOAuthError(wrongSecret, status: 401, error: "invalid_client")
            #expect(wrongSecret.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
            expectOAuthError(try await server.token(base, path: "/oauth/par"), status: 401, error: "invalid_client")
            let other = try await server.fixtures.app(name: "Other App")
            expectOAuthError(
                try await server.token(base + [("client_id", other.id)], headers: [app.basic], path: "/oauth/par"),
                status: 401,
                error: "invalid_client"
            )
            let noUserAgent = try await TestHTTP.send(
                .POST,
                server.baseURL + "/oauth/par",
                headers: [("Content-Type", "application/x-www-form-urlencoded"), app.basic, ("User-Agent", "")],
                body: Data(TestHTTP.formEncode(base).utf8)
            )
            expectOAuthError(noUserAgent, status: 400, error: "invalid_request")
            let json = try await TestHTTP.send(
                .POST,
                server.baseURL + "/oauth/par",
                headers: [("Content-Type", "application/json"), app.basic],
                body: Data("{}".utf8)
            )
            expectOAuthError(json, status: 400, error: "invalid_request")
            let huge = try await server.push(app, base + [("padding", String(repeating: "p", count: 20_000))])
            expectOAuthError(huge, status: 413, error: "invalid_request")

            // An app registered without the authorization code grant cannot push for it.
            let deviceOnly = try await server.fixtures.app(name: "Device Only", grantTypes: ["device_code"])
            expectOAuthError(try await server.push(deviceOnly), status: 400, error: "unauthorized_client")

            // A public app pushes with its client id and must send PKCE, as in a link.
            let publicApp = try await server.fixtures.app(name: "Public", isPublic: true)
            expectOAuthError(try await server.push(publicApp), status: 400, error: "invalid_request")
            let challenge = PKCE.challenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
            let publicPush = try await server.push(publicApp, base + [("code_challenge", challenge), ("code_challenge_method", "S256")])
            #expect(publicPush.status == 201, "\(publicPush.text)")
        }
    }

    @Test func anAppThatRequiresPARRefusesItsPlainLinksAndTakesItsPushes() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app(requiresPAR: true)
            let plain = try await ConnectBrowser(baseURL: server.baseURL).get(server.authorizeURL(app, [("mode", "test"), ("state", "s1")]))
            #expect(plain.status == 302)
            #expect(plain.redirectParameters["error"] == "invalid_request")
            #expect(plain.redirectParameters["error_description"]?.contains("/oauth/par") == true)
            #expect(plain.redirectParameters["state"] == "s1")

            let requestURI = try #require(try await server.push(app)["request_uri"])
            let done = try await server.connect(app, startURL: server.pushedAuthorizeURL(app, requestURI: requestURI))
            expectTokenPair(try await server.exchange(try #require(done.redirectParameters["code"]), app: app))
        }
    }

    @Test func thePushAndTheVisitMayReachDifferentInstancesAndTheRequestIsTakenOnce() async throws {
        try await TestServer.twoInstancesOnOnePostgres { first, second in
            let app = try await first.fixtures.app()
            for _ in 0..<3 {
                let requestURI = try #require(try await first.push(app)["request_uri"])
                let link = first.pushedAuthorizeURL(app, requestURI: requestURI)
                let visits = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<8 {
                        let server = index.isMultiple(of: 2) ? first : second
                        let path = String(link.dropFirst(first.baseURL.count))
                        group.addTask { try await ConnectBrowser(baseURL: server.baseURL).get(server.baseURL + path).status }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(visits.filter { $0 == 200 }.count == 1, "\(visits)")
                #expect(visits.filter { $0 == 400 }.count == 7, "\(visits)")
            }
            // A push on the second instance, its flow finished on the first.
            let requestURI = try #require(try await second.push(app)["request_uri"])
            let done = try await first.connect(app, startURL: first.pushedAuthorizeURL(app, requestURI: requestURI))
            expectTokenPair(try await second.exchange(try #require(done.redirectParameters["code"]), app: app))
        }
    }
}
