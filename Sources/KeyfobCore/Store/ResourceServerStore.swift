import Foundation

/// Registered resource servers (`keyfob resource-servers`).
public protocol ResourceServerStore: Sendable {
    /// Registers a resource server.
    func insertResourceServer(_ server: ResourceServer) async throws
    /// The resource server with this id, if any.
    func resourceServer(id: UUID) async throws -> ResourceServer?
    /// Every resource server, oldest first.
    func resourceServers() async throws -> [ResourceServer]
    /// Deletes one; false when there was none. Its secret stops working at once.
    func deleteResourceServer(id: UUID) async throws -> Bool
}
