import ArgumentParser
import AsyncHTTPClient
import Foundation

/// `keyfob-bench`: drives one token-endpoint workload against a running server over keep-alive
/// connections and reports throughput, latency percentiles, non-200 answers and the server's peak
/// memory; afterwards it checks that every 200 handed out a token that really works.
@main
struct KeyfobBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyfob-bench",
        abstract: "Load-test a Keyfob (or any Smartcar-compatible) token endpoint.",
        discussion: """
            Workloads: exchange (each code from --codes used once), refresh (each connection first \
            exchanges one code, then follows its own rotation chain), client-credentials. Loopback only.
            """
    )

    enum Workload: String, ExpressibleByArgument, CaseIterable {
        case exchange, refresh
        case clientCredentials = "client-credentials"
    }

    @Option(name: .customLong("base-url"), help: "The server, e.g. http://127.0.0.1:8080 (loopback only).") var baseURL: String
    @Option(name: .customLong("client-id")) var clientID: String
    @Option(name: .customLong("client-secret")) var clientSecret: String
    @Option(help: "exchange, refresh or client-credentials.") var workload: Workload = .exchange
    @Option(help: "File of codes, one per line (exchange and refresh).") var codes: String?
    @Option(name: .customLong("redirect-uri"), help: "The redirect URI the codes are bound to.") var redirectURI = "https://client.example.com/cb"
    @Option(help: "Concurrent keep-alive connections.") var connections = 64
    @Option(help: "Seconds to run.") var duration: Double = 10
    @Option(name: .customLong("server-pid"), help: "The server's pid, to report its peak RSS (VmHWM).") var serverPID: Int32?
    @Option(
        name: .customLong("save-refresh-tokens"),
        help: "Exchange workload: write the refresh token of every 200 here, one per line (a file for ../shared/bench/bench.sh GRANT=refresh_token)."
    )
    var saveRefreshTokens: String?
    @Flag(name: .customLong("no-verify"), help: "Skip checking that every issued token works.") var noVerify = false
    @Flag(help: "Print the result as JSON.") var json = false
    @Flag(name: .customLong("expect-shedding"), help: "An overload run: 503s (shed requests) are counted, not a failure.")
    var expectShedding = false
    @Flag(name: .customLong("honor-retry-after"), help: "A shed connection waits its Retry-After before asking again.")
    var honorRetryAfter = false

    func validate() throws {
        guard let host = URLComponents(string: baseURL)?.host, ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) || host.hasPrefix("127.")
        else { throw ValidationError("--base-url must be a loopback address") }
        guard (1...1024).contains(connections) else { throw ValidationError("--connections must be from 1 to 1024") }
        guard duration > 0 && duration <= 600 else { throw ValidationError("--duration must be from 0 to 600 seconds") }
        if workload != .clientCredentials && codes == nil { throw ValidationError("--codes is required for \(workload.rawValue)") }
        if saveRefreshTokens != nil && workload != .exchange {
            throw ValidationError("--save-refresh-tokens goes with --workload exchange: other workloads spend or issue no fresh ones")
        }
        // Found out now, not after a run whose tokens would then be lost: the file is created
        // (empty) here and replaced with the tokens once the run is over.
        if let saveRefreshTokens, !FileManager.default.createFile(atPath: saveRefreshTokens, contents: nil) {
            throw ValidationError("--save-refresh-tokens: cannot write \(saveRefreshTokens)")
        }
    }

    func run() async throws {
        let client = LoadClient(baseURL: baseURL, clientID: clientID, clientSecret: clientSecret, redirectURI: redirectURI, connections: connections)
        do {
            try await measure(with: client)
            try await client.http.shutdown()
        } catch {
            try? await client.http.shutdown()
            throw error
        }
    }

    private func measure(with client: LoadClient) async throws {
        let supply = try CodeSupply(path: codes)
        var load = LoadRun(client: client, workload: workload, supply: supply, connections: connections, duration: duration)
        load.honorRetryAfter = honorRetryAfter
        let result = try await load.run()
        if let saveRefreshTokens {
            try result.issuedRefreshTokens.map { $0 + "\n" }.joined().write(toFile: saveRefreshTokens, atomically: true, encoding: .utf8)
        }
        var report = Report(workload: workload.rawValue, connections: connections, result: result)
        report.serverPeakRSSMiB = serverPID.flatMap(PeakRSS.mebibytes(of:))
        if !noVerify {
            report.verified = try await TokenVerifier(client: client).verify(
                result.issuedAccessTokens,
                applicationTokens: workload == .clientCredentials
            )
        }
        if json { print(report.json) } else { print(report.text) }
        let failures = result.non200 - (expectShedding ? report.shed : 0)
        if failures > 0 || (report.verified.map { $0.failed > 0 } ?? false) { throw ExitCode(1) }
    }
}
