import Logging

/// `StreamLogHandler` on stderr, with its metadata formatted when a line is written rather than
/// each time it changes.
///
/// `StreamLogHandler` re-renders all its metadata as text on every change, and Hummingbird sets a
/// request id on each request's logger: at a few thousand token requests a second that rendering
/// showed in the profile, although at the default levels the token path writes no line at all.
struct DeferredMetadataLogHandler: LogHandler {
    private var stream: StreamLogHandler
    var metadata: Logger.Metadata = [:]

    init(label: String, level: Logger.Level) {
        stream = StreamLogHandler.standardError(label: label)
        stream.logLevel = level
    }

    var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        stream.log(event: event)
    }
}
