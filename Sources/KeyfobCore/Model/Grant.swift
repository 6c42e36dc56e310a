import Foundation

/// What an owner allowed an application: permissions over a set of vehicles. Codes and tokens point
/// at a grant, so removing a vehicle from it takes effect for every token at once.
public struct Grant: Sendable, Equatable {
    /// The grant id.
    public var id: UUID
    /// The application granted access.
    public var applicationID: UUID
    /// The owner who granted it (the API's user id).
    public var ownerID: UUID
    /// Granted permission names.
    public var permissions: [String]
    /// Vehicles in the grant, in the order the owner saw them.
    public var vehicleIDs: [UUID]
    /// When the owner allowed it.
    public var createdAt: Date

    /// Makes a grant record.
    public init(id: UUID, applicationID: UUID, ownerID: UUID, permissions: [String], vehicleIDs: [UUID], createdAt: Date) {
        self.id = id
        self.applicationID = applicationID
        self.ownerID = ownerID
        self.permissions = permissions
        self.vehicleIDs = vehicleIDs
        self.createdAt = createdAt
    }
}
