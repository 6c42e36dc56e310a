import KeyfobCore
import Metrics
import Synchronization

/// The token endpoint's counters: tokens issued by grant type, refusals by `error`, rate-limit
/// refusals. Made once per name and label, on first use, so the hot path only increments.
final class TokenMetrics: Sendable {
    private let counters = Mutex<[String: Counter]>([:])

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        return counters.withLock { counters in
            if let found = counters[key] { return found }
            let made = Counter(label: label, dimensions: dimensions)
            counters[key] = made
            return made
        }
    }

    /// A token pair (or an application token) answered.
    func issued(grantType: String) {
        counter("keyfob_tokens_issued_total", [("grant_type", Self.known(grantType))]).increment()
    }

    /// A refusal answered.
    func refused(_ code: OAuthError.Code) {
        counter("keyfob_token_refusals_total", [("error", code.rawValue)]).increment()
    }

    /// A 429 answered by a limit.
    func rateLimited(_ limit: String) {
        counter("keyfob_rate_limit_refusals_total", [("limit", limit)]).increment()
    }

    /// Grant types as labels: the standard ones by name, anything else as `other`, so a client
    /// cannot grow the label set.
    static func known(_ grantType: String) -> String {
        ["authorization_code", "refresh_token", "client_credentials"].contains(grantType) ? grantType : "other"
    }
}
