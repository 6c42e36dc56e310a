import Foundation

/// What an owner allowed an application: permissions over a set of vehicles. Codes and tokens point
/// at a grant, so removing a vehicle from it takes effect for every token at once.
public struct Grant: Sendable, Equatable {
    public var id: UUID
    public var applicationID: UUID
    public var ownerID: UUID
    /// Granted permission names.
    public var permissions: [String]
    /// Vehicles in the grant, in the order the owner saw them.
    public var vehicleIDs: [UUID]
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
