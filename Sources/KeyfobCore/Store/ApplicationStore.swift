import Foundation

/// Registered applications.
public protocol ApplicationStore: Sendable {
    /// Registers an application.
    func insertApplication(_ application: ClientApplication) async throws
    /// The application with this client id, if any.
    func application(id: UUID) async throws -> ClientApplication?
    /// Every application, oldest first.
    func applications() async throws -> [ClientApplication]
    /// Replaces the secret; the old one keeps working until `previousExpiresAt` (nil: at once).
    /// Returns false when there is no such application.
    func replaceSecret(of id: UUID, with digest: SecretDigest, previousExpiresAt: Date?) async throws -> Bool
    /// Deletes the application with its grants, codes and tokens, in one transaction.
    func deleteApplication(id: UUID) async throws -> Bool
}
