import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Smartcar's Management API, as an app's backend calls it with its application management
/// token (AMT): which users connected which vehicles, and disconnecting them.
public struct ManagementClient: Sendable {
    let base: String
    let authorization: String
    let http: HTTPExchange

    /// Makes a client for a management origin (`Origins.management`) and an app's AMT.
    public init(origin: String, managementToken: String, httpClient: HTTPClient = .shared, timeout: TimeAmount = .seconds(30)) {
        base = origin.trimmingTrailingSlash + "/v2.0/management/connections/"
        authorization = "Basic " + Data("default:\(managementToken)".utf8).base64EncodedString()
        http = HTTPExchange(client: httpClient, timeout: timeout, userAgent: "Keyfob-Swift/\(AuthClient.version)")
    }

    /// One vehicle one user connected to the app.
    public struct Connection: Sendable, Equatable, Decodable {
        /// The vehicle id.
        public var vehicleId: String
        /// The user (owner) id.
        public var userId: String
        /// When the user connected it, ISO 8601.
        public var connectedAt: String
    }

    /// A page of connections, newest first.
    public struct ConnectionPage: Sendable, Equatable, Decodable {
        /// Where the next page starts.
        public struct Paging: Sendable, Equatable, Decodable {
            /// Pass it back for the next page; nil on the last.
            public var cursor: String?
        }

        /// The connections on this page.
        public var connections: [Connection]
        /// The next page's cursor.
        public var paging: Paging
    }

    /// Which connections a call is about.
    public enum Filter: Sendable, Equatable {
        case user(String)
        case vehicle(String)

        var query: (String, String) {
            switch self {
            case .user(let id): ("user_id", id)
            case .vehicle(let id): ("vehicle_id", id)
            }
        }
    }

    /// A page of the app's connections (all of them, or the filter's), at most `limit` (1–100).
    public func connections(_ filter: Filter? = nil, limit: Int? = nil, cursor: String? = nil) async throws -> ConnectionPage {
        var query = filter.map { [$0.query] } ?? []
        if let limit { query.append(("limit", String(limit))) }
        if let cursor { query.append(("cursor", cursor)) }
        return try await call(.GET, query, as: ConnectionPage.self)
    }

    /// Disconnects a user's vehicles, or a vehicle; returns the connections removed. Their access
    /// stops at once.
    public func deleteConnections(_ filter: Filter) async throws -> [Connection] {
        struct Removed: Decodable { let connections: [Connection] }
        return try await call(.DELETE, [filter.query], as: Removed.self).connections
    }

    private func call<T: Decodable>(_ method: HTTPMethod, _ query: [(String, String)], as type: T.Type) async throws -> T {
        let url = base + (query.isEmpty ? "" : "?" + FormEncoding.encode(query))
        return try await http.send(method, url, headers: [("Authorization", authorization)]).decodedAPIBody(as: T.self)
    }
}
