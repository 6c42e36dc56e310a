import HTTPTypes
import Hummingbird
import KeyfobCore

/// `GET /health/alive` and `GET /health/ready` for load balancers and orchestrators: no
/// authentication, a small JSON body. Ready asks the store, bounded by the store's own deadline,
/// so it turns 503 while the database is gone and 200 again once it is back, with no restart.
struct HealthController {
    let store: any ReadinessProbe

    func addRoutes(to router: Router<KeyfobRequestContext>) {
        router.get("/health/alive") { _, _ in Self.answer(.ok, "ok") }
        router.get("/health/ready") { _, _ in
            do {
                try await store.checkReadiness()
                return Self.answer(.ok, "ok")
            } catch {
                return Self.answer(.serviceUnavailable, "unavailable")
            }
        }
    }

    static func answer(_ status: HTTPResponse.Status, _ word: String) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        if status == .serviceUnavailable { headers[.retryAfter] = "1" }
        return JSONBody.response(status: status, body: JSONBody.object(["status": word]), headers: headers)
    }
}
