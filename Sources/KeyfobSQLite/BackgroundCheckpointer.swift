import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Copies the WAL back into the database file on a connection of its own, beside the writer.
///
/// SQLite's automatic checkpoint runs on the writer, inside the commit that takes the WAL past
/// 1,000 frames: it copies every page written since the last one and flushes the database file,
/// and the writer — which every exchange waits for — does nothing else meanwhile. Under load
/// those commits took several times an ordinary one, about a quarter of the writer's time.
///
/// Here the writer's commit only records the WAL's length (a WAL hook, which replaces SQLite's
/// automatic checkpoint on that connection). Past the threshold, this connection copies what
/// the WAL holds while the writer goes on. SQLite starts the WAL over only when a write begins
/// with every frame copied, which never happens while a busy writer keeps appending; so once
/// the background copy is done, the writer, between two batches, copies the few frames
/// appended meanwhile itself, and its next commit starts the WAL from the top.
final class BackgroundCheckpointer: @unchecked Sendable {
    /// SQLite's default automatic checkpoint size, in frames (pages).
    static let defaultThreshold: Int32 = 1000

    private enum Phase {
        case waiting
        case copying
        case copied
    }

    private let threshold: Int32
    private let connection: DatabaseQueue
    private let phase = Mutex(Phase.waiting)
    /// The WAL's length in frames after the writer's last commit. Written by the WAL hook and read
    /// by `writerFinishedBatch`, both on the writer's serial queue, which is the lock here (hence
    /// `@unchecked Sendable`). Never freed: SQLite may call the hook for as long as the writer's
    /// connection is open, which can outlast this object; four bytes per store.
    private let walFrames = UnsafeMutablePointer<Int32>.allocate(capacity: 1)

    /// Opens the checkpointing connection to the database at `path`; `busyTimeout` is the store's.
    init(path: String, busyTimeout: TimeInterval, threshold: Int32 = defaultThreshold) throws {
        var configuration = Configuration()
        configuration.label = "keyfob.sqlite.checkpoint"
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            // The copy flushes the database file before the WAL may be reused: FULL says so.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        connection = try DatabaseQueue(path: path, configuration: configuration)
        // A connection that has never read does not know the WAL, and SQLite removes the WAL
        // only when the last connection that knows it closes: read once, so that a CLI command
        // leaves no WAL behind whichever connection closes last.
        try connection.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        self.threshold = threshold
        walFrames.initialize(to: 0)
    }

    /// Takes over the writer connection's checkpoints; call on the writer.
    func install(onWriter db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, recordWALLength, walFrames)
    }

    /// Called on the writer after each batch has been handed to be answered.
    func writerFinishedBatch(_ db: Database) {
        let next = phase.withLock { phase -> Phase? in
            switch phase {
            case .waiting where walFrames.pointee >= threshold:
                phase = .copying
                return .copying
            case .copied:
                phase = .waiting
                return .copied
            default:
                return nil
            }
        }
        switch next {
        case .copying:
            connection.asyncWriteWithoutTransaction { db in
                // Passive: never waits on the writer or on readers; a failure loses nothing
                // (the frames stay in the WAL) and the next round tries again.
                _ = try? db.checkpoint(.passive)
                self.phase.withLock { $0 = .copied }
            }
        case .copied:
            // Only the frames appended during the background copy are left.
            _ = try? db.checkpoint(.passive)
        default:
            break
        }
    }
}

/// SQLite's WAL hook: called after each commit on the writer with the WAL's length in frames.
private func recordWALLength(
    context: UnsafeMutableRawPointer?,
    connection: OpaquePointer?,
    database: UnsafePointer<CChar>?,
    frames: Int32
) -> Int32 {
    context?.assumingMemoryBound(to: Int32.self).pointee = frames
    return SQLITE_OK
}
