import Foundation

/// Grants and the codes that carry them to the token endpoint.
public protocol ConsentStore: Sendable {
    /// Records a consent together with the codes issued for it, in one transaction.
    func insertConsent(_ grant: Consent, codes: [AuthorizationCode]) async throws
    /// A grant by id.
    func consent(id: UUID) async throws -> Consent?
    /// The newest grant an owner gave an application, for `approval_prompt=auto`.
    func latestConsent(applicationID: UUID, ownerID: UUID) async throws -> Consent?
    /// Takes a vehicle out of a consent (`DELETE /v2.0/vehicles/{id}/application`). False when the
    /// vehicle was not in it.
    func removeVehicle(_ vehicleID: UUID, fromConsent consentID: UUID) async throws -> Bool
}
