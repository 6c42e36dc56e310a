import Foundation
import KeyfobClient
import KeyfobCore
import KeyfobTestSupport
import Testing

/// `ManagementClient` against a live Keyfob: pages of connections by cursor, filters, deletes,
/// and a wrong token as an error.
@Suite("KeyfobClient management calls")
struct ManagementClientInteropTests {
    @Test func listsPagesAndDeletesConnections() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let amt = try #require(try await ManagementToken.issue(for: app.application.id, in: server.store, random: SystemRandomSource()))
            let first = try await server.fixtures.codes(for: app)
            let second = try await server.fixtures.codes(for: app)
            let pair = try await server.exchange(first.codes[0], app: app)
            let management = ManagementClient(origin: Origins.keyfob(server.baseURL).management, managementToken: amt)

            var seen = [String]()
            var cursor: String?
            repeat {
                let page = try await management.connections(limit: 3, cursor: cursor)
                seen += page.connections.map(\.vehicleId)
                cursor = page.paging.cursor
            } while cursor != nil
            #expect(Set(seen) == Set((first.vehicles + second.vehicles).map(\.id.lowercasedText)) && seen.count == 4)

            let user = first.grant.ownerID.lowercasedText
            #expect(try await management.connections(.user(user)).connections.allSatisfy { $0.userId == user })
            let removed = try await management.deleteConnections(.user(user))
            #expect(Set(removed.map(\.vehicleId)) == Set(first.vehicles.map(\.id.lowercasedText)))
            let api = VehicleAPIClient(origin: server.baseURL)
            await #expect(throws: KeyfobClientError.self) { try await api.vehicles(accessToken: try #require(pair["access_token"])) }
        }
    }

    @Test func aWrongTokenIsAnAuthenticationError() async throws {
        try await TestServer.with { server in
            let management = ManagementClient(origin: server.baseURL, managementToken: "wrong")
            do {
                _ = try await management.connections()
                Issue.record("a wrong AMT listed connections")
            } catch let error as KeyfobClientError {
                guard case .api(let failure) = error else { throw error }
                #expect(failure.statusCode == 401 && failure.kind == .authentication)
            }
        }
    }
}
