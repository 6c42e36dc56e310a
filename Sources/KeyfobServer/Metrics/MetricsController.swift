import Hummingbird
import Logging

/// `GET /metrics`: Prometheus' text exposition format (version 0.0.4).
struct MetricsController {
    func addRoutes(to router: Router<KeyfobRequestContext>) {
        router.get("metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: KeyfobMetrics.render()))
            )
        }
    }
}

/// A listener of its own for `/metrics` (`keyfob serve --metrics-port`), loopback unless told
/// otherwise, so the scrape endpoint need not be reachable where the token endpoint is.
public func buildMetricsApplication(host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
    KeyfobMetrics.bootstrapIfNeeded()
    let router = Router(context: KeyfobRequestContext.self)
    MetricsController().addRoutes(to: router)
    return Application(
        responder: RequestIDResponder(inner: router.buildResponder()),
        configuration: .init(address: .hostname(host, port: port), serverName: nil),
        logger: logger
    )
}
