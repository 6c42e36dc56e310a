import Foundation
import KeyfobConnect
import KeyfobCore

/// The simulator over its store and the clock: reads a vehicle's values now, and carries out
/// changes as conditional writes, so two instances changing one vehicle never lose a change.
public struct VehicleSimulator: Sendable {
    let store: any VehicleStateStore
    let clock: any WallClock

    /// Makes the simulator.
    public init(store: any VehicleStateStore, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    /// The time the simulator answers for.
    public var now: Date { clock.now }

    /// A vehicle's simulation as stored (or as it starts), with the stored version.
    public func simulation(of vehicle: Vehicle) async throws -> (simulation: VehicleSimulation, version: Int64?) {
        let profile = VehicleProfile(vin: vehicle.vin)
        let stored = try await store.vehicleState(id: vehicle.id)
        return (VehicleSimulation(profile: profile, state: stored?.state ?? VehicleState(profile: profile)), stored?.version)
    }

    /// A vehicle's values now.
    public func snapshot(of vehicle: Vehicle) async throws -> (snapshot: VehicleSnapshot, profile: VehicleProfile) {
        let (simulation, _) = try await simulation(of: vehicle)
        return (simulation.snapshot(at: clock.now), simulation.profile)
    }

    /// Decides a new state from the current one and writes it if nobody changed the vehicle
    /// meanwhile; otherwise reads again and decides again.
    @discardableResult
    public func change(
        _ vehicle: Vehicle,
        _ decide: @Sendable (VehicleSimulation, Date) throws -> VehicleState
    ) async throws -> VehicleState {
        for _ in 0..<8 {
            let (simulation, version) = try await simulation(of: vehicle)
            let next = try decide(simulation, clock.now)
            if try await store.saveVehicleState(next, id: vehicle.id, replacing: version) { return next }
        }
        throw StoreUnavailableError("vehicle \(vehicle.id.lowercasedText) kept changing while it was being written")
    }
}
