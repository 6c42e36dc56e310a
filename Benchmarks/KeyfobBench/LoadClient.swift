import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP side of the benchmark: one AsyncHTTPClient with a keep-alive pool as wide as the
/// concurrency, and the three token requests.
struct LoadClient: Sendable {
    let http: HTTPClient
    let baseURL: String
    let redirectURI: String
    let basic: String

    init(baseURL: String, clientID: String, clientSecret: String, redirectURI: String, connections: Int) {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.redirectURI = redirectURI
        basic = "Basic " + Data("\(clientID):\(clientSecret)".utf8).base64EncodedString()
    }

    struct Answer {
        let status: UInt
        let accessToken: String?
        let refreshToken: String?
        /// A refusal's `Retry-After`, in seconds.
        var retryAfter: Int? = nil
    }

    func exchange(code: String) async throws -> Answer {
        try await token("grant_type=authorization_code&code=\(code)&redirect_uri=\(formEscaped(redirectURI))")
    }

    func refresh(_ refreshToken: String) async throws -> Answer {
        try await token("grant_type=refresh_token&refresh_token=\(refreshToken)")
    }

    func applicationToken() async throws -> Answer {
        try await token("grant_type=client_credentials")
    }

    /// GET /v2.0/user with a bearer token; returns the status.
    func user(_ accessToken: String) async throws -> UInt {
        var request = HTTPClientRequest(url: baseURL + "/v2.0/user")
        request.headers.add(name: "Authorization", value: "Bearer \(accessToken)")
        request.headers.add(name: "User-Agent", value: "keyfob-bench")
        let response = try await http.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 16)
        return response.status.code
    }

    private func token(_ body: String) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + "/oauth/token")
        request.method = .POST
        request.headers.add(name: "Authorization", value: basic)
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "User-Agent", value: "keyfob-bench")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await http.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 16)
        guard response.status == .ok else {
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0) }
            return Answer(status: response.status.code, accessToken: nil, refreshToken: nil, retryAfter: retryAfter)
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any]
        return Answer(status: 200, accessToken: json?["access_token"] as? String, refreshToken: json?["refresh_token"] as? String)
    }

    private func formEscaped(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        ) ?? text
    }
}
