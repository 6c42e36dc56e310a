import ArgumentParser
import Foundation
import KeyfobSQLite
import Logging

/// `keyfob backup --to FILE`: a consistent copy of the SQLite database while it serves.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the SQLite database to a new file while Keyfob keeps serving (SQLite's online backup)."
    )
    @OptionGroup var database: DatabaseOptions
    @Option(help: "The new file to write (never overwritten).") var to: String

    func run() async throws {
        Output.bootstrapLogging(level: .warning)
        let settings = try await database.resolved()
        guard let store = try await settings.openStore(logger: Logger(label: "keyfob.backup")) as? SQLiteStore else {
            throw CommandFailure(
                "keyfob backup copies SQLite databases; back PostgreSQL up with pg_dump or your provider's snapshots (docs/deploy.md)."
            )
        }
        do {
            try store.backup(to: to)
        } catch let error as BackupTargetExistsError {
            throw CommandFailure(error.description)
        }
        Output.line("Backed up \(settings.displayName) to \(to). Serve it with: keyfob serve --database sqlite:\(to)")
    }
}
