import Foundation
import GRDB
import Synchronization

/// Read-only connections of their own for the one-statement lookups every resource server
/// request makes (a bearer token, a resource server, an application).
///
/// `DatabasePool.asyncRead` reaches a reader in two hops: to the pool's one serial waiting
/// queue, which hands out readers, and then to the reader's queue. On a 2-core machine those
/// thread switches cost more than the lookup (BENCHMARKS.md, reads), and every read in the
/// process queues on that one waiting queue. Here a read goes straight to a connection's own
/// queue, the connections taken in turn; each runs one statement at a time, which SQLite in WAL
/// mode runs against one snapshot without an explicit transaction and without waiting on the writer.
final class PointReaders: Sendable {
    private let connections: [DatabaseQueue]
    private let turn = Atomic<UInt>(0)

    /// Opens `count` read-only connections to the database at `path`, which must already exist
    /// in WAL mode (the store's pool has made it so).
    init(path: String, count: Int, busyTimeout: TimeInterval) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "keyfob.sqlite.point-reader"
        connections = try (0..<max(count, 1)).map { _ in try DatabaseQueue(path: path, configuration: configuration) }
    }

    /// Runs `work` on the next connection's queue, outside any transaction.
    func run(_ work: @escaping @Sendable (Result<Database, any Error>) -> Void) {
        let index = Int(turn.wrappingAdd(1, ordering: .relaxed).oldValue % UInt(connections.count))
        connections[index].asyncUnsafeRead(work)
    }
}
