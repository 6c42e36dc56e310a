import Foundation
import KeyfobCore
import KeyfobTestSupport
import NIOHTTP1
import Testing

/// Smartcar's Management API (docs/contract.md §8) over real HTTP, on every backend: an app's
/// management token lists and deletes its users' connections, and nothing of any other app's.
@Suite("Management API")
struct ManagementAPITests {
    /// An app with its management token, and connections made through real code exchanges.
    struct Scene {
        let server: TestServer
        let app: Fixtures.App
        let amt: String

        static func make(_ server: TestServer) async throws -> Scene {
            let app = try await server.fixtures.app()
            let amt = try #require(try await ManagementToken.issue(for: app.application.id, in: server.store, random: SystemRandomSource()))
            return Scene(server: server, app: app, amt: amt)
        }

        /// A user who connects two vehicles; the token pair from the exchange.
        func connectUser() async throws -> (user: UUID, vehicles: [UUID], access: String, refresh: String) {
            let issued = try await server.fixtures.codes(for: app)
            let pair = try await server.exchange(issued.codes[0], app: app)
            return (issued.grant.ownerID, issued.vehicles.map(\.id), try #require(pair["access_token"]), try #require(pair["refresh_token"]))
        }

        func call(
            _ method: HTTPMethod = .GET,
            _ query: String = "",
            credentials: String? = nil
        ) async throws -> TestHTTP.Reply {
            let basic = Data((credentials ?? "default:\(amt)").utf8).base64EncodedString()
            return try await TestHTTP.send(
                method,
                server.baseURL + "/v2.0/management/connections/" + (query.isEmpty ? "" : "?" + query),
                headers: [("Authorization", "Basic \(basic)")]
            )
        }
    }

    static func connections(_ reply: TestHTTP.Reply) -> [[String: Any]] { reply.json["connections"] as? [[String: Any]] ?? [] }

    @Test(arguments: StoreBackend.allCases)
    func listsTheAppsConnectionsNewestFirstWithFilters(backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let scene = try await Scene.make(server)
            let first = try await scene.connectUser()
            server.clock.advance(by: 60)
            let second = try await scene.connectUser()
            let all = try await scene.call()
            #expect(all.status == 200, "\(all.text)")
            let listed = Self.connections(all)
            #expect(listed.count == 4)
            // Newest first: the second user's two vehicles, then the first's.
            #expect(listed.prefix(2).allSatisfy { $0["userId"] as? String == second.user.lowercasedText })
            #expect(listed.suffix(2).allSatisfy { $0["userId"] as? String == first.user.lowercasedText })
            #expect(listed.allSatisfy { ($0["connectedAt"] as? String)?.hasSuffix("Z") == true })
            #expect((all.json["paging"] as? [String: Any])?["cursor"] is NSNull)

            let byUser = Self.connections(try await scene.call(.GET, "user_id=\(first.user.lowercasedText)"))
            #expect(Set(byUser.compactMap { $0["vehicleId"] as? String }) == Set(first.vehicles.map(\.lowercasedText)))
            let byVehicle = Self.connections(try await scene.call(.GET, "vehicle_id=\(second.vehicles[1].lowercasedText)"))
            #expect(byVehicle.count == 1 && byVehicle[0]["userId"] as? String == second.user.lowercasedText)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func pagesNeitherSkipNorRepeatWhileUsersConnect(backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let scene = try await Scene.make(server)
            for _ in 0..<3 {
                _ = try await scene.connectUser()
                server.clock.advance(by: 1)
            }
            var seen = [String]()
            var cursor: String?
            var pages = 0
            repeat {
                let query = "limit=2" + (cursor.map { "&cursor=" + TestHTTP.formEncode([("", $0)]).dropFirst() } ?? "")
                let page = try await scene.call(.GET, query)
                #expect(page.status == 200, "\(page.text)")
                seen += Self.connections(page).map { "\($0["userId"]!)/\($0["vehicleId"]!)" }
                cursor = (page.json["paging"] as? [String: Any])?["cursor"] as? String
                pages += 1
                // New connections while paging are newer than every page: they appear on none
                // of the pages still to come.
                if pages == 1 { _ = try await scene.connectUser() }
            } while cursor != nil && pages < 10
            #expect(seen.count == 6 && Set(seen).count == 6, "\(seen)")
            #expect(pages == 3)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func deletingAUsersConnectionsEndsTheirTokensAtOnce(backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let scene = try await Scene.make(server)
            let gone = try await scene.connectUser()
            let stays = try await scene.connectUser()
            let deleted = try await scene.call(.DELETE, "user_id=\(gone.user.lowercasedText)")
            #expect(deleted.status == 200, "\(deleted.text)")
            #expect(Set(Self.connections(deleted).compactMap { $0["vehicleId"] as? String }) == Set(gone.vehicles.map(\.lowercasedText)))
            #expect(try await server.api("/vehicles", token: gone.access).status == 401)
            #expect(try await server.refresh(gone.refresh, app: scene.app).status == 400)
            #expect(try await server.api("/vehicles", token: stays.access).status == 200)
            let left = Self.connections(try await scene.call())
            #expect(left.count == 2 && left.allSatisfy { $0["userId"] as? String == stays.user.lowercasedText })
            // Deleting again finds nothing.
            #expect(Self.connections(try await scene.call(.DELETE, "user_id=\(gone.user.lowercasedText)")).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func deletingAVehicleTakesItOutOfTheToken(backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let scene = try await Scene.make(server)
            let user = try await scene.connectUser()
            let deleted = try await scene.call(.DELETE, "vehicle_id=\(user.vehicles[0].lowercasedText)")
            #expect(Self.connections(deleted).map { $0["vehicleId"] as? String } == [user.vehicles[0].lowercasedText])
            #expect(try await server.api("/vehicles/\(user.vehicles[0].lowercasedText)", token: user.access).status == 404)
            #expect(try await server.api("/vehicles/\(user.vehicles[1].lowercasedText)", token: user.access).status == 200)
            let listed = try await server.api("/vehicles", token: user.access)
            #expect(listed.json["vehicles"] as? [String] == [user.vehicles[1].lowercasedText])
        }
    }

    /// Two instances on one PostgreSQL: a delete through one ends the tokens on the other at once.
    @Test func aDeleteOnOneInstanceEndsTheTokensOnAnother() async throws {
        try await TestServer.twoInstancesOnOnePostgres { one, other in
            let scene = try await Scene.make(one)
            let user = try await scene.connectUser()
            #expect(try await other.api("/vehicles", token: user.access).status == 200)
            let deleted = try await Scene(server: other, app: scene.app, amt: scene.amt).call(.DELETE, "user_id=\(user.user.lowercasedText)")
            #expect(Self.connections(deleted).count == 2, "\(deleted.text)")
            #expect(try await one.api("/vehicles", token: user.access).status == 401)
            #expect(try await other.api("/vehicles", token: user.access).status == 401)
        }
    }

    @Test func oneAppsTokenNeverSeesAnothersConnections() async throws {
        try await TestServer.with { server in
            let mine = try await Scene.make(server)
            let theirs = try await Scene.make(server)
            let their = try await theirs.connectUser()
            _ = try await mine.connectUser()
            #expect(Self.connections(try await mine.call()).allSatisfy { $0["userId"] as? String != their.user.lowercasedText })
            // Deleting their user with my token removes nothing of theirs.
            #expect(Self.connections(try await mine.call(.DELETE, "user_id=\(their.user.lowercasedText)")).isEmpty)
            #expect(try await server.api("/vehicles", token: their.access).status == 200)
            // A cursor of theirs is refused for me.
            _ = try await theirs.connectUser()
            let theirPage = try await theirs.call(.GET, "limit=1")
            let theirCursor = try #require((theirPage.json["paging"] as? [String: Any])?["cursor"] as? String)
            let refused = try await mine.call(.GET, "limit=1&cursor=\(theirCursor)")
            #expect(refused.status == 400 && refused["type"] == "VALIDATION", "\(refused.text)")
        }
    }

    @Test func wrongCredentialsAre401() async throws {
        try await TestServer.with { server in
            let scene = try await Scene.make(server)
            _ = try await scene.connectUser()
            for credentials in [
                "default:wrong", "default:", "admin:\(scene.amt)", "\(scene.app.id):\(scene.app.secret)", "default:\(scene.app.secret)",
            ] {
                let reply = try await scene.call(.GET, "", credentials: credentials)
                #expect(reply.status == 401 && reply["type"] == "AUTHENTICATION", "\(credentials.prefix(8)): \(reply.text)")
                #expect(Self.connections(reply).isEmpty)
            }
            let none = try await TestHTTP.send(.GET, server.baseURL + "/v2.0/management/connections/")
            #expect(none.status == 401 && none["type"] == "AUTHENTICATION")
            let bearer = try await TestHTTP.send(
                .DELETE,
                server.baseURL + "/v2.0/management/connections/?user_id=\(UUID().uuidString)",
                headers: [("Authorization", "Bearer \(scene.amt)")]
            )
            #expect(bearer.status == 401)
            // A new AMT ends the old one.
            _ = try #require(try await ManagementToken.issue(for: scene.app.application.id, in: server.store, random: SystemRandomSource()))
            #expect(try await scene.call().status == 401)
        }
    }

    @Test func badQueriesAre400Validation() async throws {
        try await TestServer.with { server in
            let scene = try await Scene.make(server)
            _ = try await scene.connectUser()
            _ = try await scene.connectUser()
            let cursor = try #require(((try await scene.call(.GET, "limit=1")).json["paging"] as? [String: Any])?["cursor"] as? String)
            var tampered = Array(cursor)
            tampered[2] = tampered[2] == "A" ? "B" : "A"
            let user = UUID().lowercasedText
            for (method, query) in [
                (HTTPMethod.DELETE, "user_id=\(user)&vehicle_id=\(UUID().lowercasedText)"), (.DELETE, ""),
                (.DELETE, "user_id=not-a-uuid"), (.GET, "vehicle_id=42"), (.GET, "limit=0"), (.GET, "limit=1000"), (.GET, "limit=-1"),
                (.GET, "limit=x"), (.GET, "cursor=\(String(tampered))"), (.GET, "cursor=garbage"),
                (.GET, "cursor=\(cursor)&user_id=\(user)"), (.GET, "limit=1&limit=2"),
            ] {
                let reply = try await scene.call(method, query)
                #expect(reply.status == 400 && reply["type"] == "VALIDATION", "\(method) \(query): \(reply.text)")
            }
            #expect(Self.connections(try await scene.call()).count == 4, "nothing was deleted by a refused call")
        }
    }
}
