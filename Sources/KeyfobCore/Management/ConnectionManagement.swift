import Foundation

/// Smartcar's Management API over Keyfob's consents (docs/contract.md §8): an app, by its
/// application management token, lists and deletes the connections its users made.
public struct ConnectionManagement: Sendable {
    let store: any ManagementStore
    let cursors: ConnectionCursor

    public init(store: any ManagementStore, cursors: ConnectionCursor) {
        self.store = store
        self.cursors = cursors
    }

    /// A page of connections and the cursor of the next, nil on the last page.
    public struct Page: Sendable, Equatable {
        public var connections: [Connection]
        public var cursor: String?
    }

    /// The 401 for a missing, malformed or wrong management token.
    public static let refusal = APIError(.authentication, "Send the application management token as HTTP Basic credentials default:<token>.")

    /// The application whose AMT `Authorization: Basic base64("default:" + AMT)` carries, or 401
    /// `AUTHENTICATION`; `user` and `token` are the header's decoded user and password.
    public func authenticate(user: String, token: String) async throws -> UUID {
        let refusal = Self.refusal
        guard user == "default", !token.isEmpty, token.utf8.count <= 256 else { throw refusal }
        // A 256-bit token: looked up by its digest, as tokens are, so no comparison leaks anything.
        guard let application = try await store.application(managementTokenDigest: .of(token)) else { throw refusal }
        return application
    }

    /// `GET /v2.0/management/connections/`: newest first, at most `limit` (1–100, default 10).
    public func list(
        for applicationID: UUID,
        userID rawUser: String?,
        vehicleID rawVehicle: String?,
        limit rawLimit: String?,
        cursor: String?
    ) async throws -> Page {
        let query = ConnectionCursor.Query(
            applicationID: applicationID,
            userID: try Self.id(rawUser, named: "user_id"),
            vehicleID: try Self.id(rawVehicle, named: "vehicle_id")
        )
        let limit = try Self.limit(rawLimit)
        var after: Connection?
        if let cursor {
            guard let last = cursors.last(in: cursor, for: query) else {
                throw APIError(.validation, "The cursor is not one this query returned.", code: "PARAMETER")
            }
            after = last
        }
        var connections = Connection.held(by: try await store.consents(applicationID: applicationID, ownerID: query.userID))
        if let vehicle = query.vehicleID { connections.removeAll { $0.vehicleID != vehicle } }
        if let after { connections.removeAll { !Connection.newestFirst(after, $0) } }
        let page = Array(connections.prefix(limit))
        let next = connections.count > limit ? page.last.map { cursors.make(after: $0, for: query) } : nil
        return Page(connections: page, cursor: next)
    }

    /// `DELETE /v2.0/management/connections/`: by `user_id` or by `vehicle_id`, exactly one.
    /// Returns the connections removed; their tokens stop working at once.
    public func delete(for applicationID: UUID, userID rawUser: String?, vehicleID rawVehicle: String?) async throws -> [Connection] {
        let user = try Self.id(rawUser, named: "user_id")
        let vehicle = try Self.id(rawVehicle, named: "vehicle_id")
        guard (user == nil) != (vehicle == nil) else {
            throw APIError(.validation, "Give exactly one of user_id and vehicle_id.", code: "PARAMETER")
        }
        let before = try await store.disconnect(applicationID: applicationID, ownerID: user, vehicleID: vehicle)
        let removed = Connection.held(by: before)
        return vehicle.map { vehicle in removed.filter { $0.vehicleID == vehicle } } ?? removed
    }

    private static func id(_ raw: String?, named name: String) throws(APIError) -> UUID? {
        guard let raw else { return nil }
        guard let id = UUID(text: raw) else { throw APIError(.validation, "\(name) must be a UUID.", code: "PARAMETER") }
        return id
    }

    private static func limit(_ raw: String?) throws(APIError) -> Int {
        guard let raw else { return 10 }
        guard let limit = Int(raw), (1...100).contains(limit) else {
            throw APIError(.validation, "limit must be an integer from 1 to 100.", code: "PARAMETER")
        }
        return limit
    }
}
