import Foundation

/// What one run printed.
struct Report {
    let workload: String
    let connections: Int
    let result: LoadRun.Result
    var serverPeakRSSMiB: Double?
    var verified: TokenVerifier.Outcome?

    var requestsPerSecond: Double { result.elapsed > 0 ? Double(result.ok + result.non200) / result.elapsed : 0 }
    var okPerSecond: Double { result.elapsed > 0 ? Double(result.ok) / result.elapsed : 0 }
    func percentileMillis(_ p: Double) -> Double { Double(result.latencyMicros.valueAtPercentile(p)) / 1000 }
    func acceptedPercentileMillis(_ p: Double) -> Double { Double(result.acceptedLatencyMicros.valueAtPercentile(p)) / 1000 }
    /// 503s: requests refused at once by load shedding.
    var shed: Int { result.statuses[503] ?? 0 }

    var text: String {
        var lines = [
            "workload=\(workload) connections=\(connections) duration_s=\(String(format: "%.1f", result.elapsed))",
            String(
                format: "requests/s=%.0f ok/s=%.0f ok=%d non200=%d transport_errors=%d exhausted=%@",
                requestsPerSecond,
                okPerSecond,
                result.ok,
                result.non200,
                result.transportErrors,
                result.exhausted ? "yes" : "no"
            ),
            String(
                format: "latency_ms p50=%.2f p90=%.2f p99=%.2f max=%.2f",
                percentileMillis(50),
                percentileMillis(90),
                percentileMillis(99),
                Double(result.latencyMicros.max) / 1000
            ),
        ]
        if result.non200 > 0 {
            lines.append(
                String(
                    format: "accepted_latency_ms p50=%.2f p99=%.2f shed=%d",
                    acceptedPercentileMillis(50),
                    acceptedPercentileMillis(99),
                    shed
                )
            )
            lines.append("statuses=\(result.statuses.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ","))")
        }
        if let serverPeakRSSMiB { lines.append(String(format: "server_peak_rss_mib=%.1f", serverPeakRSSMiB)) }
        if let verified { lines.append("verified=\(verified.checked) failed=\(verified.failed)") }
        return lines.joined(separator: "\n")
    }

    var json: String {
        var object: [String: Any] = [
            "workload": workload, "connections": connections, "duration_s": result.elapsed, "requests_per_s": requestsPerSecond,
            "ok_per_s": okPerSecond, "ok": result.ok, "non200": result.non200, "transport_errors": result.transportErrors,
            "exhausted": result.exhausted, "p50_ms": percentileMillis(50), "p90_ms": percentileMillis(90),
            "p99_ms": percentileMillis(99), "max_ms": Double(result.latencyMicros.max) / 1000,
            "accepted_p50_ms": acceptedPercentileMillis(50), "accepted_p99_ms": acceptedPercentileMillis(99), "shed": shed,
        ]
        if let serverPeakRSSMiB { object["server_peak_rss_mib"] = serverPeakRSSMiB }
        if let verified {
            object["verified"] = verified.checked
            object["verify_failed"] = verified.failed
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Peak resident memory of a process, from /proc (Linux).
enum PeakRSS {
    static func mebibytes(of pid: Int32) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kib / 1024
    }
}
