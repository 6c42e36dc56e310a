/// Whether the store can answer now, for `GET /health/ready`.
public protocol ReadinessProbe: Sendable {
    /// Returns when the store answered a trivial query within its deadline; throws
    /// `StoreUnavailableError` otherwise.
    func checkReadiness() async throws
}
