import Foundation

/// Where simulated vehicles' states are kept, so a command holds across restarts and is seen by
/// every instance on the same database.
public protocol VehicleStateStore: Sendable {
    /// A vehicle's stored state and its version; nil while nothing changed it.
    func vehicleState(id: UUID) async throws -> StoredVehicleState?
    /// Writes a state if the stored one is still at `version` (nil: none stored yet). False when
    /// another writer got there first; the caller reads again and decides again.
    func saveVehicleState(_ state: VehicleState, id: UUID, replacing version: Int64?) async throws -> Bool
}

/// A stored state with the version a conditional write compares.
public struct StoredVehicleState: Sendable, Equatable {
    public var state: VehicleState
    public var version: Int64

    public init(state: VehicleState, version: Int64) {
        self.state = state
        self.version = version
    }
}
