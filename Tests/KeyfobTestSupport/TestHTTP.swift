import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A real HTTP client for tests: loopback requests through AsyncHTTPClient, redirects not
/// followed, up to 64 connections so concurrency tests really run in parallel.
public enum TestHTTP {
    public static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// A response with its body collected.
    public struct Reply: Sendable {
        public let status: Int
        public let headers: HTTPHeaders
        public let body: Data

        /// The body as a JSON object (empty when it is not one).
        public var json: [String: Any] {
            ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:]
        }

        /// A string field of the JSON body.
        public subscript(field: String) -> String? { json[field] as? String }

        public func header(_ name: String) -> String? { headers.first(name: name) }
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public static let userAgent = "KeyfobTests/1.0"

    /// Sends a request; `headers` are added after the default User-Agent (pass an empty User-Agent
    /// key to override it; `omitUserAgent` to send none).
    public static func send(
        _ method: HTTPMethod,
        _ url: String,
        headers: [(String, String)] = [],
        body: Data? = nil,
        omitUserAgent: Bool = false
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if !omitUserAgent && !headers.contains(where: { $0.0.lowercased() == "user-agent" }) {
            request.headers.add(name: "User-Agent", value: userAgent)
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(data: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 8 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer: bytes))
    }

    /// Percent-encodes form values (everything but unreserved characters).
    public static func formEncode(_ pairs: [(String, String)]) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return pairs.map { name, value in
            "\(name.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
    }

    /// `Authorization: Basic base64(id:secret)`.
    public static func basic(_ id: String, _ secret: String) -> (String, String) {
        ("Authorization", "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString())
    }
}
