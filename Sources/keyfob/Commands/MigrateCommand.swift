import ArgumentParser
import Logging

/// `keyfob migrate`: applies pending schema migrations and exits (serve does it too at start-up).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply pending database migrations.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        Output.bootstrapLogging(level: .info)
        let settings = try await database.resolved()
        _ = try await settings.openStore(logger: Logger(label: "keyfob.migrate"))
        Output.line("Database is up to date: \(settings.displayName)")
    }
}
