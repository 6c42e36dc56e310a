import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The `/v2.0` calls an access token opens: user, vehicles, one vehicle, disconnect, and the
/// vehicle's data and commands (`VehicleAPIClient+Vehicle.swift`).
public struct VehicleAPIClient: Sendable {
    let base: String
    let http: HTTPExchange
    /// Set for DPoP-bound tokens: calls send `Authorization: DPoP` with a proof of this key.
    let dpopKey: DPoPKey?

    init(origin: String, http: HTTPExchange, dpopKey: DPoPKey? = nil) {
        self.base = origin.trimmingTrailingSlash + "/v2.0"
        self.http = http
        self.dpopKey = dpopKey
    }

    /// Makes a client for an API origin on its own; `dpopKey` for tokens bound to that key.
    public init(origin: String, httpClient: HTTPClient = .shared, timeout: TimeAmount = .seconds(30), dpopKey: DPoPKey? = nil) {
        self.init(
            origin: origin,
            http: HTTPExchange(client: httpClient, timeout: timeout, userAgent: "Keyfob-Swift/\(AuthClient.version)"),
            dpopKey: dpopKey
        )
    }

    /// One page of the vehicle ids a token opens.
    public struct VehiclePage: Sendable, Equatable, Decodable {
        /// Where this page sits.
        public struct Paging: Sendable, Equatable, Decodable {
            /// The total number of vehicles.
            public var count: Int
            /// The index of the first vehicle on this page.
            public var offset: Int
        }

        /// Vehicle ids on this page.
        public var vehicles: [String]
        /// Paging information.
        public var paging: Paging
    }

    /// A vehicle's make, model and year.
    public struct VehicleAttributes: Sendable, Equatable, Decodable {
        /// The vehicle id.
        public var id: String
        /// The brand, e.g. `TESLA`.
        public var make: String
        /// The model, e.g. `Model 3`.
        public var model: String
        /// The model year.
        public var year: Int
    }

    /// The id of the owner behind the token.
    public func user(accessToken: String) async throws -> String {
        struct User: Decodable { let id: String }
        return try await get("/user", accessToken, as: User.self).id
    }

    /// The vehicles the token opens, a page at a time (`limit` ≤ 50).
    public func vehicles(accessToken: String, limit: Int? = nil, offset: Int? = nil) async throws -> VehiclePage {
        var query = [(String, String)]()
        if let limit { query.append(("limit", String(limit))) }
        if let offset { query.append(("offset", String(offset))) }
        return try await get("/vehicles" + (query.isEmpty ? "" : "?" + FormEncoding.encode(query)), accessToken, as: VehiclePage.self)
    }

    /// One vehicle's attributes (needs `read_vehicle_info`).
    public func vehicle(id: String, accessToken: String) async throws -> VehicleAttributes {
        try await get("/vehicles/\(FormEncoding.escape(id))", accessToken, as: VehicleAttributes.self)
    }

    /// Takes the vehicle out of the owner's grant to this app.
    public func disconnect(vehicleID: String, accessToken: String) async throws {
        struct Status: Decodable { let status: String }
        _ = try await call(.DELETE, "/vehicles/\(FormEncoding.escape(vehicleID))/application", accessToken, as: Status.self)
    }

    private func get<T: Decodable>(_ path: String, _ token: String, as type: T.Type) async throws -> T {
        try await call(.GET, path, token, as: type)
    }

    private func call<T: Decodable>(_ method: HTTPMethod, _ path: String, _ token: String, as type: T.Type) async throws -> T {
        try await exchange(method, path, token, as: type).value
    }

    /// Sends one call and decodes its answer with the answer's headers, or throws its error.
    func exchange<T: Decodable>(
        _ method: HTTPMethod,
        _ path: String,
        _ token: String,
        headers: [(String, String)] = [],
        json: Data? = nil,
        as type: T.Type
    ) async throws -> (value: T, headers: HTTPHeaders) {
        guard let dpopKey else {
            let answer = try await http.send(method, base + path, headers: [("Authorization", "Bearer \(token)")] + headers, json: json)
            return (try answer.decodedAPIBody(as: T.self), answer.headers)
        }
        func send(nonce: String?) async throws -> HTTPExchange.Answer {
            let proof = try await dpopKey.proof(method: method.rawValue, url: base + path, accessToken: token, nonce: nonce)
            return try await http.send(method, base + path, headers: [("Authorization", "DPoP \(token)"), ("DPoP", proof)] + headers, json: json)
        }
        var answer = try await send(nonce: nil)
        if answer.status == 401, let nonce = answer.requestedDPoPNonce { answer = try await send(nonce: nonce) }
        return (try answer.decodedAPIBody(as: T.self), answer.headers)
    }
}
