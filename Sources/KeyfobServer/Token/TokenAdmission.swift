import KeyfobCore
import Metrics
import Synchronization

/// The most token requests this instance works on at once; one more is answered 503
/// `temporarily_unavailable` with `Retry-After` before it costs a client check or a write
/// (docs/contract.md §9). Past the concurrency at which the rate stops growing, more requests in
/// flight only lengthen everyone's wait: refusing the excess at once keeps the accepted ones'
/// latency where it was, and a client told to retry later stops adding to the queue.
final class TokenAdmission: Sendable {
    private let limit: Int?
    private let inFlight = Atomic<Int>(0)
    private static let shed = Counter(label: "keyfob_token_requests_shed_total")

    /// `nil`: no bound.
    init(limit: Int?) { self.limit = limit }

    /// Runs `work` if there is room; else throws the 503.
    func admit<T>(_ work: () async throws -> T) async throws -> T {
        guard let limit else { return try await work() }
        guard inFlight.add(1, ordering: .relaxed).newValue <= limit else {
            inFlight.subtract(1, ordering: .relaxed)
            Self.shed.increment()
            var refusal = OAuthError.storeUnavailable(detail: "\(limit) token requests are already in flight")
            // Spread over 1–3 s: refused together, clients that obey would otherwise all come back
            // in the same instant and be refused together again.
            refusal.retryAfter = Int.random(in: 1...3)
            throw refusal
        }
        defer { inFlight.subtract(1, ordering: .relaxed) }
        return try await work()
    }
}
