import Foundation
import KeyfobCore

/// The owner side of a Connect flow: who logged in, and which of their vehicles are offered.
extension ConnectFlow {
    func specialTestLogin(_ email: String, request: AuthorizationRequest, session: ConnectSession) -> ConnectRedirect? {
        switch email.lowercased() {
        case TestOwners.incompatibleEmail:
            let vehicle = TestOwners.mockVehicle(ownerID: TestOwners.owner(email: email, mode: request.mode).id, index: 0)
            return .init(
                uri: request.redirectURI,
                state: request.state,
                error: "vehicle_incompatible",
                description: "The vehicle is not compatible with this application.",
                extra: [("vin", vehicle.vin), ("make", vehicle.make), ("model", vehicle.model), ("year", String(vehicle.year))]
            )
        case TestOwners.invalidSubscriptionEmail:
            return .init(
                uri: request.redirectURI,
                state: request.state,
                error: "invalid_subscription",
                description: "The vehicle's connected services subscription is not active."
            )
        default:
            return nil
        }
    }

    /// The stable test owner for an email, made on first login. Only the owner row is stored:
    /// its vehicles are derived whenever they are needed, so an anonymous login as
    /// `999-vehicles@…` stores one small row, not 999.
    func testOwner(email: String, mode: ConnectMode) async throws -> Owner {
        if let existing = try await store.owner(email: email, mode: mode) { return existing }
        let owner = TestOwners.owner(email: email, mode: mode)
        do {
            try await store.insertOwner(owner, vehicles: [])
        } catch is DuplicateOwnerError {
            // Another request (or instance) made it a moment ago: same id, same vehicles.
        }
        return owner
    }

    func owner(_ id: UUID, mode: ConnectMode) async throws -> Owner? {
        guard let owner = try await store.owner(id: id), owner.mode == mode else { return nil }
        return owner
    }

    /// The vehicles the grant screen offers: filtered by `make`, or only `single_select_vin`.
    func offeredVehicles(for owner: Owner, request: AuthorizationRequest) async throws -> [Vehicle] {
        var vehicles = try await store.vehicles(of: owner)
        if let make = request.make { vehicles = vehicles.filter { $0.make.caseInsensitiveCompare(make) == .orderedSame } }
        if let vin = request.singleSelectVIN { vehicles = vehicles.filter { $0.vin.caseInsensitiveCompare(vin) == .orderedSame } }
        return vehicles
    }

    /// `approval_prompt=auto`: an earlier grant to this app with every asked permission over every
    /// offered vehicle.
    func coveringGrant(owner: Owner, request: AuthorizationRequest, offered: [Vehicle]) async throws -> Consent? {
        guard let grant = try await store.latestConsent(applicationID: request.applicationID, ownerID: owner.id) else { return nil }
        let permissions = Set(grant.permissions)
        let vehicles = Set(grant.vehicleIDs)
        guard request.permissions.allSatisfy({ permissions.contains($0.name) }), offered.allSatisfy({ vehicles.contains($0.id) }) else {
            return nil
        }
        if request.singleSelect && offered.count != 1 { return nil }
        return Consent(
            id: UUID(),
            applicationID: request.applicationID,
            ownerID: owner.id,
            permissions: request.permissions.map(\.name),
            vehicleIDs: offered.map(\.id),
            createdAt: clock.now
        )
    }
}
