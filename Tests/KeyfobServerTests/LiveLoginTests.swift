import Foundation
import HummingbirdBcrypt
import KeyfobCore
import KeyfobTestSupport
import Testing

/// `mode=live` logs owners in against `keyfob owners add` accounts.
@Suite("Connect live login")
struct LiveLoginTests {
    func addOwner(_ server: TestServer, email: String, password: String) async throws {
        let owner = Owner(id: UUID(), email: email, passwordHash: Bcrypt.hash(password, cost: 4), mode: .live)
        try await server.store.insertOwner(owner, vehicles: [
            Vehicle(id: UUID(), ownerID: owner.id, make: "FORD", model: "F-150", year: 2021, vin: "1FTEW1EP5KFA12345"),
        ])
    }

    @Test func rightPasswordLogsInAndWrongOneShowsTheLoginPageAgain() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            try await addOwner(server, email: "ann@example.com", password: "correct horse")
            let (_, wrong) = try await server.logIn(app, email: "ann@example.com", password: "wrong", parameters: [("state", "s")])
            #expect(wrong.status == 200)
            #expect(wrong.text.contains("do not match"))
            #expect(wrong.inputValue("csrf") != nil)
            let (browser, right) = try await server.logIn(app, email: "ANN@example.com", password: "correct horse", parameters: [("state", "s")])
            #expect(right.header("Location") == "/oauth/grant")
            #expect(try await browser.get("/oauth/grant").text.contains("2021 FORD F-150"))
        }
    }

    @Test func unknownLiveEmailIsRefusedLikeAWrongPassword() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let (_, reply) = try await server.logIn(app, email: "nobody@example.com", password: "x", parameters: [])
            #expect(reply.status == 200 && reply.text.contains("do not match"))
        }
    }

    @Test func repeatedFailuresForOneEmailAreSlowedDown() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            try await addOwner(server, email: "bob@example.com", password: "right password")
            for _ in 0..<5 { _ = try await server.logIn(app, email: "bob@example.com", password: "guess", parameters: []) }
            let (_, locked) = try await server.logIn(app, email: "bob@example.com", password: "right password", parameters: [])
            #expect(locked.status == 200 && locked.text.contains("Too many failed attempts"))
            server.clock.advance(by: 901)
            let (_, after) = try await server.logIn(app, email: "bob@example.com", password: "right password", parameters: [])
            #expect(after.header("Location") == "/oauth/grant")
        }
    }
}
