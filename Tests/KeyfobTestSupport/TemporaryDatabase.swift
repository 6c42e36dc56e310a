import Foundation
import KeyfobSQLite
import KeyfobServer

/// A SQLite file in a fresh temporary folder: a real database, never a mock.
public struct TemporaryDatabase: Sendable {
    public let directory: URL
    public var path: String { directory.appendingPathComponent("keyfob.sqlite").path }
    public var url: String { "sqlite:" + path }

    public init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyfob-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Opens the store (running migrations).
    public func open(
        durability: SQLiteStore.Durability = .full,
        busyTimeout: TimeInterval = 5,
        callTimeout: Duration = .seconds(5),
        maxPendingWrites: Int = 1024,
        maxWriteWait: Duration? = nil
    ) async throws -> SQLiteStore {
        // As `serve` does: swift-metrics is set up before a store makes its metrics.
        KeyfobMetrics.bootstrapIfNeeded()
        return try await SQLiteStore(
            path: path,
            durability: durability,
            busyTimeout: busyTimeout,
            callTimeout: callTimeout,
            maxPendingWrites: maxPendingWrites,
            maxWriteWait: maxWriteWait
        )
    }

    /// Deletes the folder.
    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
