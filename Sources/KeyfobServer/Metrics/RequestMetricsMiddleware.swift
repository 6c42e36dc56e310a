import HTTPTypes
import Hummingbird
import Metrics
import Synchronization

/// Requests by route template, method and status, their latency, and the requests in flight: the
/// series Hummingbird's `MetricsMiddleware` reports, under the same names and labels
/// (docs/operations.md), recorded when the handler has answered.
///
/// Hummingbird's middleware records after the body is written by wrapping every response body in
/// a closure, which takes the answer off Hummingbird's single-buffer fast path (head, body and end
/// in one write to the channel) and onto three writes, each an async hop to the event loop. That
/// was most of what a metadata GET cost beyond a bare route (BENCHMARKS.md, "Fixed cost per
/// request"). Keyfob's answers are whole buffers when the handler returns, so the time to the
/// handler's answer is the request's time less the socket write, which the kernel does.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = KeyfobRequestContext

    private let series = RequestSeries()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let inFlight = series.inFlight(request.method)
        inFlight.increment()
        defer { inFlight.decrement() }
        do {
            let response = try await next(request, context)
            series.answered(route: context.endpointPath ?? "Unknown", request.method, response.status, since: started)
            return response
        } catch {
            // The status the error will be answered with, as Hummingbird's middleware counts it.
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            series.failed(route: context.endpointPath ?? "NotFound", request.method, status, since: started)
            throw error
        }
    }
}

/// The metric handles, made on first use of each route, method and status and kept: the label
/// sets are bounded by the routes Keyfob registers and the statuses it answers.
private final class RequestSeries: Sendable {
    private struct Key: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: HTTPResponse.Status
    }

    private struct Handles {
        let requests: Counter
        let duration: Metrics.Timer
        let errors: Counter

        init(_ key: Key) {
            let labels = [
                ("http.route", key.route), ("http.request.method", key.method.rawValue),
                ("http.response.status_code", String(key.status.code)),
            ]
            requests = Counter(label: "hb.requests", dimensions: labels)
            duration = Metrics.Timer(label: "http.server.request.duration", dimensions: labels, preferredDisplayUnit: .seconds)
            errors = Counter(
                label: "hb.request.errors",
                dimensions: [
                    ("http.route", key.route), ("http.request.method", key.method.rawValue),
                    ("error.type", String(key.status.code)),
                ]
            )
        }
    }

    private let handles = Mutex<[Key: Handles]>([:])
    private let inFlightByMethod = Mutex<[HTTPRequest.Method: Meter]>([:])

    func inFlight(_ method: HTTPRequest.Method) -> Meter {
        inFlightByMethod.withLock { meters in
            if let meter = meters[method] { return meter }
            let made = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)])
            meters[method] = made
            return made
        }
    }

    func answered(route: String, _ method: HTTPRequest.Method, _ status: HTTPResponse.Status, since started: ContinuousClock.Instant) {
        let series = handles(Key(route: route, method: method, status: status))
        series.requests.increment()
        let elapsed = ContinuousClock.now - started
        series.duration.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }

    func failed(route: String, _ method: HTTPRequest.Method, _ status: HTTPResponse.Status, since started: ContinuousClock.Instant) {
        let series = handles(Key(route: route, method: method, status: status))
        series.requests.increment()
        series.errors.increment()
    }

    private func handles(_ key: Key) -> Handles {
        handles.withLock { all in
            if let made = all[key] { return made }
            let made = Handles(key)
            all[key] = made
            return made
        }
    }
}
