import Foundation

/// Grants and the codes that carry them to the token endpoint.
public protocol GrantStore: Sendable {
    /// Records a grant together with the codes issued for it, in one transaction.
    func insertGrant(_ grant: Grant, codes: [AuthorizationCode]) async throws
    /// A grant by id.
    func grant(id: UUID) async throws -> Grant?
    /// The newest grant an owner gave an application, for `approval_prompt=auto`.
    func latestGrant(applicationID: UUID, ownerID: UUID) async throws -> Grant?
    /// Takes a vehicle out of a grant (`DELETE /v2.0/vehicles/{id}/application`). False when the
    /// vehicle was not in it.
    func removeVehicle(_ vehicleID: UUID, fromGrant grantID: UUID) async throws -> Bool
}
