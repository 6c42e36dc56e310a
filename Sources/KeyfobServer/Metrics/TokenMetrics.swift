import KeyfobCore
import Metrics
import Synchronization

/// The token endpoint's counters: tokens issued by grant type, refusals by `error` (the
/// failed-authentication limit counts its own 429s, at every endpoint). The issued counters are
/// made once, at start-up (the token path only increments); refusal counters on first use, by code.
final class TokenMetrics: Sendable {
    /// The standard grant types by name; anything else counts as `other`, so a client cannot grow
    /// the label set.
    private let issuedByGrantType: [String: Counter]
    private let issuedOther = Counter(label: "keyfob_tokens_issued_total", dimensions: [("grant_type", "other")])
    private let refusalsByCode = Mutex<[String: Counter]>([:])

    init() {
        var issued = [String: Counter]()
        for grantType in ["authorization_code", "refresh_token", "client_credentials"] {
            issued[grantType] = Counter(label: "keyfob_tokens_issued_total", dimensions: [("grant_type", grantType)])
        }
        issuedByGrantType = issued
    }

    /// A token pair (or an application token) answered.
    func issued(grantType: String) {
        (issuedByGrantType[grantType] ?? issuedOther).increment()
    }

    /// A refusal answered. RFC 6749's codes and the extensions' are a small fixed set.
    func refused(_ code: OAuthError.Code) {
        refusalsByCode.withLock { counters in
            if let counter = counters[code.rawValue] { return counter }
            let made = Counter(label: "keyfob_token_refusals_total", dimensions: [("error", code.rawValue)])
            counters[code.rawValue] = made
            return made
        }.increment()
    }
}
