import Foundation

/// What an owner allowed an application: permissions over a set of vehicles. Codes and tokens point
/// at a consent, so removing a vehicle from it takes effect for every token at once.
///
/// Stored in the `grants` table (Smartcar calls it the grant); the type is `Consent` because in
/// the code "grant" already names a grant type (`TokenGrant`) and the page that asks for it.
public struct Consent: Sendable, Equatable {
    /// The consent id.
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

    /// Makes a consent record.
    public init(id: UUID, applicationID: UUID, ownerID: UUID, permissions: [String], vehicleIDs: [UUID], createdAt: Date) {
        self.id = id
        self.applicationID = applicationID
        self.ownerID = ownerID
        self.permissions = permissions
        self.vehicleIDs = vehicleIDs
        self.createdAt = createdAt
    }
}
