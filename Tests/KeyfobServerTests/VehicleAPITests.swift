import Foundation
import KeyfobTestSupport
import Testing

/// `/v2.0` with Smartcar's v2 error shape (docs/contract.md §4).
@Suite("vehicle API")
struct VehicleAPITests {
    struct Session {
        let server: TestServer
        let accessToken: String
        let vehicleIDs: [String]
        let ownerID: String
    }

    func session(
        _ server: TestServer,
        permissions: [String] = ["read_vehicle_info", "read_odometer"]
    ) async throws -> Session {
        let app = try await server.fixtures.app()
        let (codes, grant, vehicles) = try await server.fixtures.codes(for: app, permissions: permissions)
        let pair = try await server.exchange(codes[0], app: app)
        return Session(
            server: server,
            accessToken: try #require(pair["access_token"]),
            vehicleIDs: vehicles.map { $0.id.uuidString.lowercased() },
            ownerID: grant.ownerID.uuidString.lowercased()
        )
    }

    @Test func userAnswersTheOwnersID() async throws {
        try await TestServer.with { server in
            let session = try await session(server)
            for path in ["/user", "/user/"] {
                let reply = try await server.api(path, token: session.accessToken)
                #expect(reply.status == 200, "\(path)")
                #expect(reply.json as NSDictionary == ["id": session.ownerID] as NSDictionary)
                #expect(reply.header("sc-request-id").flatMap(UUIDShape.init) != nil)
            }
        }
    }

    @Test func vehiclesListsTheGrantWithPaging() async throws {
        try await TestServer.with { server in
            let session = try await session(server)
            let all = try await server.api("/vehicles", token: session.accessToken)
            #expect(all.json["vehicles"] as? [String] == session.vehicleIDs)
            #expect(all.json["paging"] as? NSDictionary == ["count": 2, "offset": 0] as NSDictionary)
            let page = try await server.api("/vehicles?limit=1&offset=1", token: session.accessToken)
            #expect(page.json["vehicles"] as? [String] == [session.vehicleIDs[1]])
            #expect(page.json["paging"] as? NSDictionary == ["count": 2, "offset": 1] as NSDictionary)
        }
    }

    @Test(arguments: ["limit=0", "limit=51", "limit=abc", "offset=-1", "offset=1.5", "limit=%ZZ", "limit=10&limit=20"])
    func badPagingIsValidation(query: String) async throws {
        try await TestServer.with { server in
            let session = try await session(server)
            expectV2Error(try await server.api("/vehicles?\(query)", token: session.accessToken), status: 400, type: "VALIDATION", code: "PARAMETER")
        }
    }

    @Test func vehicleAttributesNeedReadVehicleInfo() async throws {
        try await TestServer.with { server in
            let granted = try await session(server)
            let reply = try await server.api("/vehicles/\(granted.vehicleIDs[0])", token: granted.accessToken)
            #expect(reply.status == 200)
            #expect(reply["id"] == granted.vehicleIDs[0])
            #expect(reply["make"] == "TESLA")
            #expect(reply.json["year"] as? Int == 2020)

            let denied = try await session(server, permissions: ["read_odometer"])
            expectV2Error(try await server.api("/vehicles/\(denied.vehicleIDs[0])", token: denied.accessToken), status: 403, type: "PERMISSION")
        }
    }

    @Test func vehicleOutsideTheGrantIsNotFoundEvenWhenItExists() async throws {
        try await TestServer.with { server in
            let mine = try await session(server)
            let theirs = try await session(server)
            expectV2Error(try await server.api("/vehicles/\(theirs.vehicleIDs[0])", token: mine.accessToken), status: 404, type: "RESOURCE_NOT_FOUND")
            expectV2Error(try await server.api("/vehicles/not-a-uuid", token: mine.accessToken), status: 404, type: "RESOURCE_NOT_FOUND")
        }
    }

    @Test func permissionsListsTheGrantedPermissions() async throws {
        try await TestServer.with { server in
            let session = try await session(server)
            let reply = try await server.api("/vehicles/\(session.vehicleIDs[0])/permissions", token: session.accessToken)
            #expect(reply.json["permissions"] as? [String] == ["read_vehicle_info", "read_odometer"])
            #expect(reply.json["paging"] as? NSDictionary == ["count": 2, "offset": 0] as NSDictionary)
        }
    }

    @Test func disconnectTakesTheVehicleOutOfTheGrant() async throws {
        try await TestServer.with { server in
            let session = try await session(server)
            let gone = session.vehicleIDs[0]
            let reply = try await server.api("/vehicles/\(gone)/application", token: session.accessToken, method: .DELETE)
            #expect(reply.status == 200)
            #expect(reply.json as NSDictionary == ["status": "success"] as NSDictionary)
            expectV2Error(try await server.api("/vehicles/\(gone)", token: session.accessToken), status: 404, type: "RESOURCE_NOT_FOUND")
            let list = try await server.api("/vehicles", token: session.accessToken)
            #expect(list.json["vehicles"] as? [String] == [session.vehicleIDs[1]])
            #expect(try await server.api("/vehicles/\(session.vehicleIDs[1])", token: session.accessToken).status == 200)
            expectV2Error(
                try await server.api("/vehicles/\(gone)/application", token: session.accessToken, method: .DELETE),
                status: 404,
                type: "RESOURCE_NOT_FOUND"
            )
        }
    }

    @Test(arguments: [nil, "", "Bearer", "Bearer not-a-token", "Basic abc", "Bearer \(UUID().uuidString.lowercased())"])
    func missingOrMalformedOrUnknownTokenIsAuthentication(header: String?) async throws {
        try await TestServer.with { server in
            let reply = try await TestHTTP.send(.GET, server.baseURL + "/v2.0/user", headers: header.map { [("Authorization", $0)] } ?? [])
            expectV2Error(reply, status: 401, type: "AUTHENTICATION")
            // RFC 6750 §3.1: a presented token that opens nothing is invalid_token; with no
            // bearer token at all the challenge carries no error code.
            let presented = header.map { $0.hasPrefix("Bearer ") } ?? false
            let challenge = reply.header("WWW-Authenticate") ?? ""
            #expect(challenge.hasPrefix("Bearer realm=\"keyfob\""))
            #expect(challenge.contains("error=\"invalid_token\"") == presented)
        }
    }

    @Test func expiredTokenIsChallengedAsInvalidToken() async throws {
        try await TestServer.with { server in
            let session = try await session(server)
            server.clock.advance(by: 7201)
            let reply = try await server.api("/user", token: session.accessToken)
            #expect(reply.header("WWW-Authenticate") == "Bearer realm=\"keyfob\", error=\"invalid_token\"")
        }
    }

    @Test func unknownV2PathIsNotFoundInTheV2Shape() async throws {
        try await TestServer.with { server in
            let session = try await session(server)
            expectV2Error(try await server.api("/nope", token: session.accessToken), status: 404, type: "RESOURCE_NOT_FOUND", code: "PATH")
            expectV2Error(
                try await server.api("/vehicles/\(session.vehicleIDs[0])/teleport", token: session.accessToken),
                status: 404,
                type: "RESOURCE_NOT_FOUND",
                code: "PATH"
            )
            #expect(try await server.api("/user", token: session.accessToken).status == 200)
        }
    }

    @Test func expiredAccessTokenIsAuthentication() async throws {
        try await TestServer.with { server in
            let session = try await session(server)
            server.clock.advance(by: 7201)
            expectV2Error(try await server.api("/user", token: session.accessToken), status: 401, type: "AUTHENTICATION")
        }
    }
}
