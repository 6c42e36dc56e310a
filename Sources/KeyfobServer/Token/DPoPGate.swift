import Hummingbird
import KeyfobCore

/// The `DPoP` header of a request to one of Keyfob's own endpoints, checked against the URL the
/// client addressed (the public origin and the path).
struct DPoPGate {
    let checker: DPoPChecker
    let origin: ServerOrigin

    /// The request's checked proof, nil when it carries none, or the RFC 9449 §5 OAuth error.
    func proof(of request: Request) async throws -> DPoPProof? {
        let values = request.headers[values: .dpop]
        guard !values.isEmpty else { return nil }
        do {
            return try await checker.check(values, method: request.method.rawValue, url: origin.url + request.uri.path, accessToken: nil)
        } catch let failure as DPoPFailure {
            throw failure.oauthError
        }
    }
}
