import Foundation
import KeyfobConnect
import KeyfobCore
import KeyfobTestSupport
import Testing

/// What the authorize request may carry: empty parameters count as omitted (RFC 6749 §3.1), the
/// request is bounded before anything is stored for it, an error description sent back keeps to
/// RFC 6749's characters, and an anonymous test login stores no vehicles.
@Suite("authorize input")
struct AuthorizeInputTests {
    @Test(arguments: ["scope", "redirect_uri", "approval_prompt", "single_select", "single_select_vin", "code_challenge", "mode", "make", "state"])
    func anEmptyParameterCountsAsOmitted(name: String) async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            // mode= is live, the default, whose login page is as good a sign as test mode's.
            let parameters = name == "mode" ? [(name, "")] : [("mode", "test"), (name, "")]
            let url = server.authorizeURL(app, parameters, redirectURI: name == "redirect_uri" ? nil : Fixtures.redirectURI)
            let reply = try await TestHTTP.send(.GET, url)
            #expect(reply.status == 200, "\(name)= gave \(reply.status) \(reply.header("Location") ?? "")")
            #expect(reply.inputValue("csrf") != nil)
        }
    }

    @Test func anEmptySingleSelectVINStillOffersEveryVehicle() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let final = try await server.connect(app, parameters: [("mode", "test"), ("state", "s"), ("single_select_vin", "")])
            #expect(final.redirectParameters["code"] != nil, "\(final.header("Location") ?? "")")
        }
    }

    @Test func aLongStateIsRefusedWithAPageAndNothingStored() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await TestHTTP.send(.GET, server.authorizeURL(app, [("mode", "test"), ("state", String(repeating: "s", count: 2049))]))
            #expect(reply.status == 400)
            #expect(reply.header("Location") == nil)
            #expect(reply.header("Set-Cookie") == nil)
            // 2 KiB itself is fine.
            let fits = try await TestHTTP.send(.GET, server.authorizeURL(app, [("mode", "test"), ("state", String(repeating: "s", count: 2048))]))
            #expect(fits.status == 200)
        }
    }

    @Test func aLongQueryIsRefusedWithAPage() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await TestHTTP.send(.GET, server.authorizeURL(app, [("mode", "test"), ("flags", String(repeating: "f", count: 9000))]))
            #expect(reply.status == 400)
            #expect(reply.header("Set-Cookie") == nil)
        }
    }

    @Test func aRedirectedErrorDescriptionKeepsToTheAllowedCharacters() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await TestHTTP.send(.GET, server.authorizeURL(app, [("scope", "fly\"\\€\r\nX-Evil:1"), ("state", "s")]))
            #expect(reply.status == 302)
            let description = try #require(reply.redirectParameters["error_description"])
            // RFC 6749 §4.1.2.1: %x20-21 / %x23-5B / %x5D-7E only.
            #expect(description.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\" })
            #expect(description.hasPrefix("Unknown permission: fly"))
        }
    }

    @Test func aTestLoginWithManyVehiclesStoresNone() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let email = "999-vehicles@\(UUID().uuidString.prefix(8)).example"
            let (browser, login) = try await server.logIn(app, email: email)
            #expect(login.status == 303)
            let grant = try await browser.get("/oauth/grant")
            #expect(grant.vehicleChoices.count == 999)
            let owner = try #require(try await server.store.owner(email: email, mode: .test))
            #expect(try await server.store.vehicles(ownerID: owner.id).isEmpty)
        }
    }

    @Test func aDerivedTestVehicleAnswersTheVehicleAPI() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let final = try await server.connect(app, email: "2-vehicles@example.com")
            let code = try #require(final.redirectParameters["code"])
            let tokens = try await server.exchange(code, app: app)
            let list = try await server.api("/vehicles", token: tokens["access_token"])
            let ids = try #require(list.json["vehicles"] as? [String])
            #expect(ids.count == 2)
            let owner = TestOwners.owner(email: "2-vehicles@example.com", mode: .test)
            let expected = TestOwners.vehicles(for: owner)[0]
            let info = try await server.api("/vehicles/\(expected.id.lowercasedText)", token: tokens["access_token"])
            #expect(info.status == 200)
            #expect(info["make"] == expected.make)
        }
    }
}
