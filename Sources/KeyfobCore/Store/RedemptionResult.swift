/// What a store's redemption transaction decides, before it is answered. A failed check is a
/// value here, not a throw, so that the store decides whether the transaction commits (SQLite's
/// shared group-commit batch) or rolls back (PostgreSQL's claim) before anything is thrown.
package enum RedemptionResult: Sendable {
    case outcome(CodeRedemption)
    case refused(OAuthError)
    case staleClient

    /// The redemption's answer: the outcome, or the refusal or the stale client thrown.
    package func answer(for client: ClientVersion) throws -> CodeRedemption {
        switch self {
        case .outcome(let outcome): return outcome
        case .refused(let error): throw error
        case .staleClient: throw StaleClientError(client: client)
        }
    }
}
