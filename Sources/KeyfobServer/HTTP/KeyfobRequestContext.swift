import Hummingbird
import KeyfobCore

/// The request context of every Keyfob route: Hummingbird's core storage plus the request id that
/// goes out as `sc-request-id` and into every error body and log line.
public struct KeyfobRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// A fresh UUID per request (lowercase, as Smartcar sends it).
    public let requestID: String

    /// Makes the context for a new request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        // Not `UUID()`, which on Linux opens /dev/urandom for every id.
        self.requestID = UUIDText.random(using: SystemRandomSource())
    }
}
