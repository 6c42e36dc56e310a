import ArgumentParser
import KeyfobClient

/// The `keyfob` command: serve by default, plus the admin nouns.
@main
struct Keyfob: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyfob",
        abstract: "An OAuth 2.0 authorization server for connected-vehicle APIs, wire-compatible with Smartcar.",
        // One version for the server and the SDK, which sends it in its User-Agent (CHANGELOG.md).
        version: AuthClient.version,
        subcommands: [
            ServeCommand.self, AppsCommand.self, KeysCommand.self, ResourceServersCommand.self, OwnersCommand.self, VehiclesCommand.self,
            TryCommand.self,
            DevCommand.self,
            GCCommand.self, BackupCommand.self,
            MigrateCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )
}
