import ArgumentParser
import KeyfobCore
import Logging

/// `keyfob gc`: deletes expired codes and tokens once (serve also does it on a period).
struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gc", abstract: "Delete expired codes and tokens.")

    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Print JSON.") var json = false

    struct Result: Encodable { let removed: Int }

    func run() async throws {
        Output.bootstrapLogging(level: .info)
        let store = try await database.openStore(logger: Logger(label: "keyfob.gc"))
        let removed = try await store.deleteExpired(before: SystemWallClock().now)
        if json { try Output.json(Result(removed: removed)) } else { Output.line("Removed \(removed) expired rows.") }
    }
}
