import Foundation
import Logging

/// One JSON object a line on standard error (`keyfob serve --log-format json`): `timestamp`,
/// `level`, `message`, `label`, and the metadata as strings, Keyfob's `keyfob.`-prefixed keys
/// without their prefix (`request_id`, `client_id`, `route`, `status`, `duration_ms`).
/// swift-log ships text handlers only, hence this one (docs/decisions.md).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    private static let lock = NSLock()

    public init(label: String, level: Logger.Level = .info) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [
            "timestamp": Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true)),
            "level": event.level.rawValue, "message": "\(event.message)", "label": label,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, explicit in explicit }) {
            let name = key.hasPrefix("keyfob.") ? String(key.dropFirst("keyfob.".count)) : key
            if fields[name] == nil { fields[name] = "\(value)" }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var line = try? encoder.encode(fields) else { return }
        line.append(UInt8(ascii: "\n"))
        // One write per line, whole, even when several threads log at once.
        Self.lock.withLock { FileHandle.standardError.write(line) }
    }
}
