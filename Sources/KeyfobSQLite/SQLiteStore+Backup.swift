import Foundation
import GRDB
import KeyfobCore

extension SQLiteStore {
    /// Copies the database to a new file with SQLite's online backup, while it keeps serving:
    /// the copy is one consistent moment, every commit before it and none after.
    public func backup(to destination: String) throws {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw BackupTargetExistsError(path: destination)
        }
        let target = try DatabaseQueue(path: destination)
        // Blocking: run by the CLI, never on a serving store's request path.
        try pool.backup(to: target)
        try target.close()
    }
}

/// A backup never overwrites a file.
public struct BackupTargetExistsError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public var description: String { "\(path) exists already; a backup never overwrites a file. Name a new one." }
}
