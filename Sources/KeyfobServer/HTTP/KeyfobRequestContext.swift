import Hummingbird
import KeyfobCore
import NIOCore

/// The request context of every Keyfob route: Hummingbird's core storage plus the request id that
/// goes out as `sc-request-id` and into every error body and log line.
public struct KeyfobRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// A fresh UUID per request (lowercase, as Smartcar sends it).
    public let requestID: String
    /// The connection the request came on, for its peer's address (kept, not read, on every
    /// request: only the throttles need the address).
    let channel: any Channel

    /// Makes the context for a new request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
        // Not `UUID()`, which on Linux opens /dev/urandom for every id, nor a system call per id.
        self.requestID = UUIDText.random(using: Self.requestIDSource)
    }

    /// Where request ids come from: shared by every connection, refilled a page at a time.
    private static let requestIDSource = PooledRandomSource()

    /// The peer's IP address: the client's, or the last proxy's when Keyfob runs behind one.
    var sourceAddress: String { channel.remoteAddress?.ipAddress ?? "unknown" }
}
