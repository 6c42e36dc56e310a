import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One request and its collected answer, with transport failures turned into
/// `KeyfobClientError.transport`.
struct HTTPExchange {
    let client: HTTPClient
    let timeout: TimeAmount
    let userAgent: String

    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        let body: Data

        var retryAfter: Int? { headers.first(name: "retry-after").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

        /// A `/v2.0` answer's body as `T`, or its v2 error thrown as `KeyfobClientError.api`.
        func decodedAPIBody<T: Decodable>(as type: T.Type) throws -> T {
            guard status == 200 else {
                throw KeyfobClientError.api(status: status, body: body, requestID: headers.first(name: "sc-request-id"), retryAfter: retryAfter)
            }
            do {
                return try JSONDecoder().decode(T.self, from: body)
            } catch {
                throw KeyfobClientError.unexpectedResponse(status: 200, body: String(decoding: body.prefix(512), as: UTF8.self))
            }
        }
    }

    func send(
        _ method: HTTPMethod,
        _ url: String,
        headers: [(String, String)] = [],
        form: [(String, String)]? = nil,
        json: Data? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "User-Agent", value: userAgent)
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: FormEncoding.encode(form)))
        }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: json))
        }
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 4 << 20)
            return Answer(status: Int(response.status.code), headers: response.headers, body: Data(body.readableBytesView))
        } catch let error as KeyfobClientError {
            throw error
        } catch {
            throw KeyfobClientError.transport(String(describing: error))
        }
    }
}

/// `application/x-www-form-urlencoded`, escaping everything but RFC 3986's unreserved characters.
enum FormEncoding {
    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
