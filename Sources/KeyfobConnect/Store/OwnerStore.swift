import Foundation
import KeyfobCore

/// Vehicle owners and their vehicles.
public protocol OwnerStore: Sendable {
    /// Adds an owner with their vehicles, in one transaction. Throws
    /// `DuplicateOwnerError` when the email is taken in that mode.
    func insertOwner(_ owner: Owner, vehicles: [Vehicle]) async throws
    /// The owner with this email in this mode (emails compare case-insensitively).
    func owner(email: String, mode: ConnectMode) async throws -> Owner?
    /// An owner by id.
    func owner(id: UUID) async throws -> Owner?
    /// Every owner of a mode, oldest first.
    func owners(mode: ConnectMode) async throws -> [Owner]
    /// An owner's vehicles, in the order they were added.
    func vehicles(ownerID: UUID) async throws -> [Vehicle]
    /// One vehicle by id.
    func vehicle(id: UUID) async throws -> Vehicle?
    /// Replaces a live owner's password hash. False when there is no such owner.
    func replacePasswordHash(ownerID: UUID, with hash: String) async throws -> Bool
    /// Removes an owner, their vehicles and their consents, and revokes every token issued from
    /// those consents, in one transaction. False when there is no such owner.
    func deleteOwner(id: UUID) async throws -> Bool
}

/// The email is already registered in that mode.
public struct DuplicateOwnerError: Error, Sendable, CustomStringConvertible {
    /// The email already registered.
    public var email: String
    public init(email: String) { self.email = email }
    public var description: String { "an owner with email \(email) exists already" }
}

extension OwnerStore {
    /// An owner's vehicles. A test or simulated owner's are derived from the email (the same on
    /// every instance), so none is ever stored; a live owner's are read from the store.
    public func vehicles(of owner: Owner) async throws -> [Vehicle] {
        owner.mode == .live ? try await vehicles(ownerID: owner.id) : TestOwners.vehicles(for: owner)
    }
}
