import Foundation
import KeyfobCore
import KeyfobVehicles
import PostgresNIO

extension PostgresStore: VehicleStateStore {
    public func vehicleState(id: UUID) async throws -> StoredVehicleState? {
        let found = try await withConnection { connection in
            let rows = try await connection.query("SELECT state, version FROM vehicle_states WHERE vehicle_id = \(id)", logger: self.logger)
            return try await rows.decode((String, Int64).self).firstAfterDraining()
        }
        guard let (json, version) = found else { return nil }
        return StoredVehicleState(state: try VehicleState(storedJSON: json), version: version)
    }

    public func saveVehicleState(_ state: VehicleState, id: UUID, replacing version: Int64?) async throws -> Bool {
        let json = state.storedJSON()
        return try await withConnection { connection in
            let rows: PostgresRowSequence
            if let version {
                rows = try await connection.query(
                    "UPDATE vehicle_states SET state = \(json), version = version + 1 WHERE vehicle_id = \(id) AND version = \(version) RETURNING 1",
                    logger: self.logger
                )
            } else {
                rows = try await connection.query(
                    "INSERT INTO vehicle_states (vehicle_id, state, version) VALUES (\(id), \(json), 1) ON CONFLICT (vehicle_id) DO NOTHING RETURNING 1",
                    logger: self.logger
                )
            }
            return try await rows.collect().count == 1
        }
    }
}
