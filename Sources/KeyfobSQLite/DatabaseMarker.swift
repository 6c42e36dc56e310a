import Foundation
import KeyfobCore

/// A small file beside the database that says Keyfob created a database at this path.
///
/// SQLite creates a missing file without a word, so a database deleted or moved away came back
/// empty at the next start, refusing every token issued before. While the marker is there and the
/// database is not, opening is refused; `createMissing` (`--sqlite-create-missing`) is the
/// deliberate way to start afresh.
struct DatabaseMarker {
    let databasePath: String
    var path: String { databasePath + "-keyfob" }

    /// Refuses to open when the database is missing but was created here before.
    func checkBeforeOpening(createMissing: Bool) throws {
        let files = FileManager.default
        guard !createMissing, !files.fileExists(atPath: databasePath), files.fileExists(atPath: path) else { return }
        throw DatabaseMissingError(path: databasePath, marker: path)
    }

    /// Writes the marker if it is not there yet.
    func write() throws {
        guard !FileManager.default.fileExists(atPath: path) else { return }
        let text = """
            Keyfob created the SQLite database \((databasePath as NSString).lastPathComponent) beside this file.
            While this file exists and the database does not, Keyfob refuses to start rather than create an
            empty database in its place. Restore the database, or start with --sqlite-create-missing.

            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}

/// The database is missing where one was created before.
public struct DatabaseMissingError: Error, Sendable, CustomStringConvertible {
    /// The database path.
    public var path: String
    /// The marker that remembers it.
    public var marker: String

    public var description: String {
        "the database \(path) is missing, but Keyfob created one there before (\(marker)): its tokens are gone. "
            + "Restore the file, or pass --sqlite-create-missing to start with an empty database."
    }
}
