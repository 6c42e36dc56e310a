import Foundation
import KeyfobConnect
import KeyfobCore

/// The rules of the `/v2.0` calls that an access token opens (docs/contract.md §4), apart from HTTP.
public struct VehicleAPI: Sendable {
    let owners: any OwnerStore
    let grants: any ConsentStore
    /// The simulated vehicles behind the data calls; nil when the vehicle API is off
    /// (`--vehicle-api off`), and the data calls answer 404 `PATH`.
    let simulator: VehicleSimulator?

    /// Makes the API over the stores.
    public init(owners: any OwnerStore, grants: any ConsentStore, simulator: VehicleSimulator? = nil) {
        self.owners = owners
        self.grants = grants
        self.simulator = simulator
    }

    /// One page of a list (`limit` ≤ 50, default 10; `offset` ≥ 0, default 0).
    public struct Paging: Sendable, Equatable {
        /// How many items at most (1–50).
        public var limit: Int
        /// How many items to skip.
        public var offset: Int

        /// Validates the raw query values.
        public init(limit: String?, offset: String?) throws(APIError) {
            self.limit = try Self.integer(limit, named: "limit", default: 10, range: 1...50)
            self.offset = try Self.integer(offset, named: "offset", default: 0, range: 0...Int(Int32.max))
        }

        private static func integer(_ raw: String?, named name: String, default value: Int, range: ClosedRange<Int>) throws(APIError) -> Int {
            guard let raw else { return value }
            guard let parsed = Int(raw), range.contains(parsed) else {
                throw APIError(.validation, "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound).", code: "PARAMETER")
            }
            return parsed
        }
    }

    /// The owner behind the token (`GET /v2.0/user`).
    public func userID(for access: BearerAccess) throws(APIError) -> UUID {
        try userGrant(access).ownerID
    }

    /// One page of the vehicle ids in the grant, and their total.
    public func vehicleIDs(for access: BearerAccess, paging: Paging) throws(APIError) -> (ids: [UUID], total: Int) {
        let all = try userGrant(access).vehicleIDs
        return (Array(all.dropFirst(paging.offset).prefix(paging.limit)), all.count)
    }

    /// A vehicle's make, model and year; needs `read_vehicle_info`.
    public func vehicle(_ rawID: String, for access: BearerAccess) async throws -> Vehicle {
        let vehicle = try await grantedVehicle(rawID, for: access)
        try require("read_vehicle_info", access)
        return vehicle
    }

    /// A vehicle of the token's grant. One outside the grant is 404 whether or not it exists.
    func grantedVehicle(_ rawID: String, for access: BearerAccess) async throws -> Vehicle {
        let grant = try userGrant(access)
        let id = try vehicleInGrant(rawID, grant)
        guard let owner = try await owners.owner(id: grant.ownerID),
            let vehicle = try await owners.vehicles(of: owner).first(where: { $0.id == id })
        else { throw notFound() }
        return vehicle
    }

    /// 403 `PERMISSION` unless the token carries the permission.
    func require(_ permission: String, _ access: BearerAccess) throws(APIError) {
        guard access.permissions.contains(permission) else {
            throw APIError(.permission, "This token was not granted \(permission).")
        }
    }

    /// The permissions granted for a vehicle.
    public func permissions(of rawID: String, for access: BearerAccess, paging: Paging) throws(APIError) -> (names: [String], total: Int) {
        let grant = try userGrant(access)
        _ = try vehicleInGrant(rawID, grant)
        let permissions = access.permissions
        return (Array(permissions.dropFirst(paging.offset).prefix(paging.limit)), permissions.count)
    }

    /// Takes the vehicle out of the grant; the token stops working for it.
    public func disconnect(_ rawID: String, for access: BearerAccess) async throws {
        let grant = try userGrant(access)
        let id = try vehicleInGrant(rawID, grant)
        guard try await grants.removeVehicle(id, fromConsent: grant.id) else { throw notFound() }
    }

    private func userGrant(_ access: BearerAccess) throws(APIError) -> Consent {
        guard let grant = access.grant else {
            throw APIError(.permission, "Application tokens carry no user; use a token from the authorization code flow.")
        }
        return grant
    }

    /// A vehicle outside the grant is 404 whether or not it exists, so ids are not revealed.
    private func vehicleInGrant(_ rawID: String, _ grant: Consent) throws(APIError) -> UUID {
        guard let id = UUID(text: rawID), grant.vehicleIDs.contains(id) else { throw notFound() }
        return id
    }

    private func notFound() -> APIError {
        APIError(.resourceNotFound, "The vehicle was not found for this access token.")
    }
}
