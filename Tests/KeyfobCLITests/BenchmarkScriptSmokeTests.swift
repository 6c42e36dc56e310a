import Foundation
import KeyfobTestSupport
import Testing

/// #20's measuring scripts, run for a second a workload against the debug build, so they cannot
/// rot: each must finish, answer every request with a 2xx, and report a rate and a CPU time per
/// request. They assert that the scripts work, never how fast anything is.
@Suite("benchmark script smoke runs")
struct BenchmarkScriptSmokeTests {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Benchmarks/scripts")

    /// The lines of a script's summary that name `workloads`, split into fields.
    static func summary(_ output: String, _ workloads: [String]) -> [String: [String]] {
        var rows = [String: [String]]()
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            if let name = fields.first, workloads.contains(name), !line.contains("=") { rows[name] = fields }
        }
        return rows
    }

    func run(_ script: String, _ environment: [String: String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("bench-script-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        // A few hundred requests a workload, paced (`WRK_DELAY_MS`), so the other suites running
        // beside this one keep their cores.
        var settings = [
            "KEYFOB_BIN": KeyfobProcess.executable.path, "RUNS": "1", "DURATION": "1s", "THREADS": "1", "CONNS": "2",
            "WRK_DELAY_MS": "10",
        ]
        settings["WORK"] = work.path
        settings["PORT"] = String(try FreePort.find())
        settings.merge(environment) { _, new in new }
        return try await ChildProcess.run(["/bin/bash", Self.scripts.appendingPathComponent(script).path], environment: settings)
    }

    @Test func readsRunsEveryWorkloadWithOnly2xx() async throws {
        let result = try await run("reads.sh", [:])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let workloads = ["metadata", "introspect-rs", "introspect-app", "v2-user", "client-creds"]
        let rows = Self.summary(result.stdout, workloads)
        for workload in workloads {
            // workload, ok/s, range, p99, non-2xx, CPU µs per request
            let fields = try #require(rows[workload], "no summary line for \(workload):\n\(result.stdout)")
            #expect(fields.count == 6, "\(fields)")
            #expect((Double(fields[1]) ?? 0) > 0 && fields[4] == "0" && (Double(fields[5]) ?? 0) > 0, "\(fields)")
        }
    }

    @Test func fixedCostSetsKeyfobBesideTheBareRoute() async throws {
        let bare = KeyfobProcess.builtProduct("keyfob-bare-route", override: "KEYFOB_BARE_ROUTE_BIN")
        let result = try await run("fixed-cost.sh", ["BARE_BIN": bare.path, "BARE_PORT": String(try FreePort.find())])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        for server in ["keyfob", "bare"] {
            let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix(server + " ") }, "\(result.stdout)")
            #expect(line.contains("non-2xx 0") && line.contains("µs/request"), "\(line)")
        }
        #expect(result.stdout.contains("keyfob / bare:") && result.stdout.contains("bare / keyfob CPU per request:"))
    }
}
