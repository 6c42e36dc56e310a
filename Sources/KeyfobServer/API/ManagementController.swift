import Foundation
import Hummingbird
import KeyfobCore

/// `GET` and `DELETE /v2.0/management/connections/` (docs/contract.md §8): an app, by its
/// application management token, sees and removes the connections its users made. Errors are
/// the v2 API's.
struct ManagementController {
    let management: ConnectionManagement

    func addRoutes(to router: Router<KeyfobRequestContext>) {
        // The SDKs call the path with a trailing slash; the router treats both spellings alike.
        router.get("v2.0/management/connections") { request, context in
            await BearerCall.rendering(context) {
                let application = try await authenticate(request)
                let query = try APIQuery.parse(request)
                let page = try await management.list(
                    for: application,
                    userID: query["user_id"],
                    vehicleID: query["vehicle_id"],
                    limit: query["limit"],
                    cursor: query["cursor"]
                )
                return APIAnswer(body: ConnectionsPage(connections: page.connections.map(ConnectionBody.init), paging: .init(cursor: page.cursor)))
            }
        }
        router.delete("v2.0/management/connections") { request, context in
            await BearerCall.rendering(context) {
                let application = try await authenticate(request)
                let query = try APIQuery.parse(request)
                let removed = try await management.delete(for: application, userID: query["user_id"], vehicleID: query["vehicle_id"])
                return APIAnswer(body: RemovedConnections(connections: removed.map(ConnectionBody.init)))
            }
        }
    }

    /// `Authorization: Basic base64("default:" + AMT)`; anything else is 401 `AUTHENTICATION`.
    private func authenticate(_ request: Request) async throws -> UUID {
        guard let (user, token) = try? BasicCredentials.parse(request.headers[.authorization]) else {
            throw ConnectionManagement.refusal
        }
        return try await management.authenticate(user: user, token: token)
    }
}

/// One connection as Smartcar's SDKs read it.
struct ConnectionBody: Encodable {
    let vehicleId: String
    let userId: String
    let connectedAt: String

    init(_ connection: Connection) {
        vehicleId = connection.vehicleID.lowercasedText
        userId = connection.userID.lowercasedText
        connectedAt = connection.connectedAt.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

struct ConnectionsPage: Encodable {
    struct Paging: Encodable {
        let cursor: String?

        // `null` on the last page, as the SDKs expect, rather than leaving the key out.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(cursor, forKey: .cursor)
        }

        enum CodingKeys: String, CodingKey { case cursor }
    }

    let connections: [ConnectionBody]
    let paging: Paging
}

struct RemovedConnections: Encodable {
    let connections: [ConnectionBody]
}
