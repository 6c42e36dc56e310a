import Foundation

/// One vehicle one user connected to one application (Smartcar's Management API, docs/contract.md
/// §8): a vehicle in a consent the user gave the app.
public struct Connection: Sendable, Equatable {
    public var vehicleID: UUID
    public var userID: UUID
    /// When the user first granted the app this vehicle among the consents still holding it; a
    /// later consent for the same vehicle does not move it, so paging stays stable.
    public var connectedAt: Date

    public init(vehicleID: UUID, userID: UUID, connectedAt: Date) {
        self.vehicleID = vehicleID
        self.userID = userID
        self.connectedAt = connectedAt
    }

    /// The connections the consents hold, newest first; ties broken by vehicle, then user id, so
    /// the order is total and a cursor can point between any two.
    public static func held(by consents: [Consent]) -> [Connection] {
        var earliest = [Pair: Date]()
        for consent in consents {
            for vehicle in consent.vehicleIDs {
                let pair = Pair(vehicle: vehicle, user: consent.ownerID)
                earliest[pair] = min(earliest[pair] ?? consent.createdAt, consent.createdAt)
            }
        }
        return earliest.map { Connection(vehicleID: $0.key.vehicle, userID: $0.key.user, connectedAt: $0.value) }.sorted(by: Self.newestFirst)
    }

    /// The listing's order.
    public static func newestFirst(_ a: Connection, _ b: Connection) -> Bool {
        if a.connectedAt != b.connectedAt { return a.connectedAt > b.connectedAt }
        if a.vehicleID != b.vehicleID { return a.vehicleID.uuidString < b.vehicleID.uuidString }
        return a.userID.uuidString < b.userID.uuidString
    }

    private struct Pair: Hashable {
        let vehicle: UUID
        let user: UUID
    }
}
