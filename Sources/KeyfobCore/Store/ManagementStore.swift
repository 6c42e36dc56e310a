import Foundation

/// What the Management API needs of a store (docs/contract.md §8).
public protocol ManagementStore: Sendable {
    /// Replaces the application's management token (AMT) digest. False when there is no such
    /// application.
    func replaceManagementToken(of applicationID: UUID, with digest: SecretDigest) async throws -> Bool
    /// The application whose management token has this digest.
    func application(managementTokenDigest: SecretDigest) async throws -> UUID?
    /// The application's consents (of `ownerID` only, when given).
    func consents(applicationID: UUID, ownerID: UUID?) async throws -> [Consent]
    /// In one transaction: takes `vehicleID` (every vehicle, when nil) out of the application's
    /// consents (those of `ownerID`, when given), and revokes every token of a consent left with
    /// no vehicle. Returns the changed consents as they were before.
    func disconnect(applicationID: UUID, ownerID: UUID?, vehicleID: UUID?) async throws -> [Consent]
}
