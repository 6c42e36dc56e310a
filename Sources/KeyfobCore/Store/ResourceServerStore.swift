import Foundation

/// Registered resource servers (`keyfob resource-servers`).
public protocol ResourceServerStore: Sendable {
    /// Registers a resource server.
    func insertResourceServer(_ server: ResourceServer) async throws
    /// The resource server with this id, if any.
    func resourceServer(id: UUID) async throws -> ResourceServer?
    /// The resource server with this id and the access token with this digest, read together:
    /// what an API's introspection needs, in one call (`TokenStore.bearerAccess`).
    func resourceServer(
        id: UUID,
        withBearerAccess digest: SecretDigest
    ) async throws -> (
        server: ResourceServer?, access: BearerAccess?
    )
    /// Every resource server, oldest first.
    func resourceServers() async throws -> [ResourceServer]
    /// Deletes one; false when there was none. Its secret stops working at once.
    func deleteResourceServer(id: UUID) async throws -> Bool
}

extension ResourceServerStore where Self: TokenStore {
    /// The two reads one after the other, for the stores that do not read them in one go.
    public func resourceServer(
        id: UUID,
        withBearerAccess digest: SecretDigest
    ) async throws -> (
        server: ResourceServer?, access: BearerAccess?
    ) {
        (try await resourceServer(id: id), try await bearerAccess(digest: digest))
    }
}
