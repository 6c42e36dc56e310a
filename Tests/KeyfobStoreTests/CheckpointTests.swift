import Foundation
import GRDB
import KeyfobTestSupport
import Testing

@testable import KeyfobSQLite

/// The writer no longer checkpoints inside its commits; the background checkpointer must still
/// copy the WAL back and let SQLite start it over, or the WAL would grow with every write.
@Suite("background checkpoints")
struct CheckpointTests {
    @Test func theWALStartsOverUnderSustainedWritesAndNothingIsLost() async throws {
        try await withProbeStore(columns: "n INTEGER PRIMARY KEY, page BLOB") { store, database in
            let walPath = database.path + "-wal"
            let firstSequence = try Self.checkpointSequence(ofWAL: walPath)

            // 4,000 rows of a page each: about 4,000 frames, four times the checkpoint threshold.
            let rows = 4_000
            let pageBytes = 4_000
            for round in 0..<(rows / 50) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for n in (round * 50)..<((round + 1) * 50) {
                        group.addTask {
                            try await store.write { db in
                                try db.execute(
                                    sql: "INSERT INTO probe (n, page) VALUES (?, randomblob(?))",
                                    arguments: [n, pageBytes]
                                )
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }

            // SQLite counts each start-over of the WAL in its header.
            #expect(try Self.checkpointSequence(ofWAL: walPath) > firstSequence)
            let walBytes = try FileManager.default.attributesOfItem(atPath: walPath)[.size] as? Int ?? 0
            #expect(walBytes < 2_500 * 4_120, "the WAL holds \(walBytes / 4_120) frames")
            #expect(try await store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM probe") } == rows)
        }
    }

    /// The WAL header's checkpoint sequence number (bytes 12–15, big-endian), which SQLite
    /// increments each time the WAL starts over.
    private static func checkpointSequence(ofWAL path: String) throws -> UInt32 {
        let header = try #require(FileManager.default.contents(atPath: path)?.prefix(16))
        return header.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
}
