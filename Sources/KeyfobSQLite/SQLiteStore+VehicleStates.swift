import Foundation
import GRDB
import KeyfobCore
import KeyfobVehicles

extension SQLiteStore: VehicleStateStore {
    public func vehicleState(id: UUID) async throws -> StoredVehicleState? {
        let found: (state: String, version: Int64)? = try await pointRead { db in
            try Row.fetchOne(db, sql: "SELECT state, version FROM vehicle_states WHERE vehicle_id = ?", arguments: [Column.id(id)])
                .map { ($0["state"], $0["version"]) }
        }
        guard let found else { return nil }
        return StoredVehicleState(state: try VehicleState(storedJSON: found.state), version: found.version)
    }

    public func saveVehicleState(_ state: VehicleState, id: UUID, replacing version: Int64?) async throws -> Bool {
        let json = state.storedJSON()
        return try await write { db in
            if let version {
                try db.execute(
                    sql: "UPDATE vehicle_states SET state = ?, version = version + 1 WHERE vehicle_id = ? AND version = ?",
                    arguments: [json, Column.id(id), version]
                )
            } else {
                try db.execute(
                    sql: "INSERT INTO vehicle_states (vehicle_id, state, version) VALUES (?, ?, 1) ON CONFLICT (vehicle_id) DO NOTHING",
                    arguments: [Column.id(id), json]
                )
            }
            return db.changesCount == 1
        }
    }
}
