import Foundation
import Metrics
import Prometheus

/// The metrics `/metrics` answers (docs/contract.md §9): swift-metrics' API, reported into one
/// Prometheus registry for the process.
///
/// swift-metrics has one factory per process, set once; Keyfob sets it to its registry the first
/// time a server is built (or `keyfob serve` starts), before any store is opened, since a metric
/// made before that reports nowhere. An embedder whose process sets up swift-metrics itself
/// turns `KeyfobConfiguration.metrics` off; Keyfob's metrics then go to the embedder's backend and
/// `/metrics` is not served.
public enum KeyfobMetrics {
    /// The registry `/metrics` renders.
    static let registry = PrometheusCollectorRegistry()

    private static let bootstrapped: Bool = {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Prometheus names allow [a-zA-Z0-9_:]; swift-metrics labels (Hummingbird's
        // `http.server.request.duration`) use dots.
        factory.nameAndLabelSanitizer = { name, labels in (sanitized(name), labels.map { (sanitized($0.0), $0.1) }) }
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        factory.defaultValueHistogramBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256]
        MetricsSystem.bootstrap(factory)
        return true
    }()

    /// Points swift-metrics at Keyfob's registry, once per process.
    public static func bootstrapIfNeeded() { _ = bootstrapped }

    /// The registry in Prometheus' text format, with the process's memory read now.
    static func render() -> String {
        if let resident = residentBytes() { memory.record(resident) }
        return registry.emitToString()
    }

    private static let memory = Gauge(label: "process_resident_memory_bytes")

    /// Resident memory from /proc (Linux); nil elsewhere.
    static func residentBytes() -> Int? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func sanitized(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") ? $0 : "_" })
    }
}
