import ArgumentParser
import Foundation
import KeyfobServer
import Logging

/// Where a command's output goes: human text, or (with `--json`) only JSON on stdout so scripts can
/// parse it. Logs always go to stderr.
enum Output {
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
    }

    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Bootstraps logging to stderr once per process: text, or one JSON object a line.
    static func bootstrapLogging(level: Logger.Level, format: LogFormat = .text) {
        switch format {
        case .text: LoggingSystem.bootstrap { label in DeferredMetadataLogHandler(label: label, level: level) }
        case .json: LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        }
    }

    /// `--log-format`.
    enum LogFormat: String, ExpressibleByArgument, CaseIterable, Sendable { case text, json }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// A command that failed while running (not a usage mistake): printed as one `Error:` line, exit
/// status 1, without the usage text ArgumentParser adds to a `ValidationError`.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
