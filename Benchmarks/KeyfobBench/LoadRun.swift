import Foundation
import Histogram
import Synchronization

/// Codes to spend, each exactly once, shared by every connection.
final class CodeSupply: Sendable {
    private let codes: [String]
    private let next = Atomic<Int>(0)

    init(path: String?) throws {
        guard let path else {
            codes = []
            return
        }
        codes = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
    }

    /// The next unused code, or nil when they ran out.
    func take() -> String? {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        return index < codes.count ? codes[index] : nil
    }
}

/// One timed run: `connections` loops, each sending its next request as soon as the last answer came.
struct LoadRun {
    let client: LoadClient
    let workload: KeyfobBench.Workload
    let supply: CodeSupply
    let connections: Int
    let duration: Double
    /// Whether a shed connection waits the `Retry-After` it was given, as a well-behaved client
    /// does, instead of asking again at once.
    var honorRetryAfter = false

    struct Result {
        var ok = 0
        var non200 = 0
        var transportErrors = 0
        var exhausted = false
        var elapsed: Double = 0
        var latencyMicros = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        /// The 200s alone: under overload, what the accepted requests waited (the shed ones are fast).
        var acceptedLatencyMicros = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var issuedAccessTokens: [String] = []
        /// The exchange workload's refresh tokens, none of them used yet.
        var issuedRefreshTokens: [String] = []
        var statuses: [UInt: Int] = [:]

        mutating func merge(_ other: Result) {
            ok += other.ok
            non200 += other.non200
            transportErrors += other.transportErrors
            exhausted = exhausted || other.exhausted
            latencyMicros.add(other.latencyMicros)
            acceptedLatencyMicros.add(other.acceptedLatencyMicros)
            issuedAccessTokens += other.issuedAccessTokens
            issuedRefreshTokens += other.issuedRefreshTokens
            statuses.merge(other.statuses, uniquingKeysWith: +)
        }
    }

    func run() async throws -> Result {
        // Refresh chains start from one exchanged code per connection, outside the timed part.
        var chains = [String?](repeating: nil, count: connections)
        if workload == .refresh {
            for index in 0..<connections {
                guard let code = supply.take() else { throw BenchError("not enough codes to start \(connections) refresh chains") }
                let answer = try await client.exchange(code: code)
                guard let refresh = answer.refreshToken else { throw BenchError("could not start a refresh chain: HTTP \(answer.status)") }
                chains[index] = refresh
            }
        }
        let started = ContinuousClock.now
        let deadline = started + .milliseconds(Int(duration * 1000))
        var total = Result()
        try await withThrowingTaskGroup(of: Result.self) { group in
            for index in 0..<connections {
                let chainStart = chains[index]
                group.addTask { try await connectionLoop(until: deadline, refreshToken: chainStart) }
            }
            for try await partial in group { total.merge(partial) }
        }
        total.elapsed =
            Double((ContinuousClock.now - started).components.attoseconds) / 1e18 + Double((ContinuousClock.now - started).components.seconds)
        return total
    }

    private func connectionLoop(until deadline: ContinuousClock.Instant, refreshToken: String?) async throws -> Result {
        var result = Result()
        var refreshToken = refreshToken
        while ContinuousClock.now < deadline {
            let sent = ContinuousClock.now
            let answer: LoadClient.Answer
            do {
                switch workload {
                case .exchange:
                    guard let code = supply.take() else {
                        result.exhausted = true
                        return result
                    }
                    answer = try await client.exchange(code: code)
                case .refresh:
                    answer = try await client.refresh(refreshToken!)
                case .clientCredentials:
                    answer = try await client.applicationToken()
                }
            } catch {
                result.transportErrors += 1
                continue
            }
            let elapsed = ContinuousClock.now - sent
            let micros = UInt64(max(1, elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000))
            _ = result.latencyMicros.record(micros)
            result.statuses[answer.status, default: 0] += 1
            if answer.status == 200, let access = answer.accessToken {
                _ = result.acceptedLatencyMicros.record(micros)
                result.ok += 1
                result.issuedAccessTokens.append(access)
                if workload == .refresh { refreshToken = answer.refreshToken }
                if workload == .exchange, let refresh = answer.refreshToken { result.issuedRefreshTokens.append(refresh) }
            } else {
                result.non200 += 1
                if honorRetryAfter, answer.status == 503, let seconds = answer.retryAfter {
                    try? await Task.sleep(for: .seconds(seconds))
                }
                // A shed refresh (503) spent nothing: the chain goes on with the same token.
                if workload == .refresh && answer.status != 503 { return result }  // the chain is broken
            }
        }
        return result
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
