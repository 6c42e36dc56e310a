import Foundation
import KeyfobConnect
import KeyfobCore
import Metrics
import Synchronization

/// Failed client authentication at the token endpoint, limited (RFC 6749 §2.3.1: the endpoint
/// MUST protect against brute force; docs/contract.md §9).
///
/// Two counts, both in the store so every instance sees the same failures:
/// - per client id and source address: a flood of wrong secrets for one app from one address is
///   stopped there, and the app's other callers, elsewhere, go on working;
/// - per source address, over every client id: spraying guesses across apps is stopped too.
///
/// Only failures are written, so a correct client costs nothing here: a key over its limit is
/// remembered in memory until its window ends and refused before its secret is checked, on this
/// instance as soon as one of its failures reaches the store's count. Client secrets have 256
/// random bits, so the limit is about cost and noise rather than the odds of a guess.
final class ClientAuthThrottle: Sendable {
    struct Limit: Sendable {
        var failures: Int
        var window: TimeInterval
    }

    private let store: any LoginFailureStore
    private let clock: any WallClock
    let perClientAndAddress: Limit
    let perAddress: Limit
    /// Keys over a limit, until their window ends.
    private let blocked = Mutex<[String: Date]>([:])
    /// Every 429 this throttle answers, at whichever endpoint: the brute-force alert of
    /// docs/operations.md watches it.
    private let refusals = Counter(label: "keyfob_rate_limit_refusals_total", dimensions: [("limit", "client_auth")])

    init(
        store: any LoginFailureStore,
        clock: any WallClock,
        perClientAndAddress: Limit = Limit(failures: 20, window: 300),
        perAddress: Limit = Limit(failures: 200, window: 300)
    ) {
        self.store = store
        self.clock = clock
        self.perClientAndAddress = perClientAndAddress
        self.perAddress = perAddress
    }

    /// Seconds to wait when this client id or address is over a limit, else nil. No store call.
    func waiting(clientID: String, address: () -> String) -> Int? {
        blocked.withLock { blocked in
            // The common case, nobody over a limit: no address, no key, no clock.
            guard !blocked.isEmpty else { return nil }
            let now = clock.now
            let address = address()
            return [Self.key(clientID, address), Self.key(nil, address)].compactMap { blocked[$0] }.filter { $0 > now }.max()
                .map { max(1, Int($0.timeIntervalSince(now).rounded(.up))) }
        }
    }

    /// Runs `body`, which authenticates the client, under the limits: refused at once (429) while
    /// this client id or address is over one, and an `invalid_client` it throws counted, becoming
    /// the 429 when it takes the count over a limit; every 429 is counted in the metrics. The
    /// token, PAR and device authorization endpoints all authenticate through this, so they share
    /// one count.
    func guarding<T>(clientID: String, address: () -> String, _ body: () async throws -> T) async throws -> T {
        if let wait = waiting(clientID: clientID, address: address) {
            refusals.increment()
            throw Self.refusal(retryAfter: wait)
        }
        do {
            return try await body()
        } catch let refusal as OAuthError where refusal.code == .invalidClient {
            if let wait = try await recordFailure(clientID: clientID, address: address()) {
                refusals.increment()
                throw Self.refusal(retryAfter: wait)
            }
            throw refusal
        }
    }

    /// Counts a failure; seconds to wait when it went over a limit, else nil.
    func recordFailure(clientID: String, address: String) async throws -> Int? {
        let now = clock.now
        var wait: Int?
        for (key, limit) in [(Self.key(clientID, address), perClientAndAddress), (Self.key(nil, address), perAddress)] {
            let counted = try await store.recordLoginFailure(emailKey: key, at: now, window: limit.window)
            guard counted.count > limit.failures else { continue }
            let until = counted.windowEndsAt
            blocked.withLock { blocked in
                // Bounded: an address flood leaves one entry per key, dropped once its window ends.
                if blocked.count > 10_000 { blocked = blocked.filter { $0.value > now } }
                blocked[key] = until
            }
            wait = max(wait ?? 0, max(1, Int(until.timeIntervalSince(now).rounded(.up))))
        }
        return wait
    }

    /// The store key. The login throttle's keys are emails, which have no space, so a key that
    /// starts with "client " or "address " cannot meet one of them in the shared table.
    static func key(_ clientID: String?, _ address: String) -> String {
        clientID.map { "client \($0.prefix(64)) \(address)" } ?? "address \(address)"
    }

    /// The 429 answered while over a limit.
    static func refusal(retryAfter seconds: Int) -> OAuthError {
        OAuthError(
            .temporarilyUnavailable,
            "Too many failed client authentications from this address; retry after \(seconds) seconds.",
            status: 429,
            retryAfter: seconds
        )
    }
}
