import Foundation
import HTTPTypes
import Hummingbird
import KeyfobCore

/// Reads a request to the token, revocation or introspection endpoint into a `TokenRequest`:
/// the HTTP framing of docs/contract.md §2, checked before anything touches the store, so a request
/// refused here consumes nothing.
struct TokenRequestReader {
    /// Token requests are a few hundred bytes; anything near this bound is not a token request.
    let maxBodySize: Int

    /// Steps 1–2 of the exchange (docs/architecture.md): framing, then credentials.
    func read(_ request: Request) async throws -> TokenRequest {
        guard Self.isFormContentType(request.headers[.contentType]) else {
            throw OAuthError.invalidRequest("Content-Type must be application/x-www-form-urlencoded.")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxBodySize)
        } catch {
            throw OAuthError(.invalidRequest, "The request body is larger than \(maxBodySize) bytes.", status: 413)
        }
        let form: [String: String]
        do {
            // Decoded from a contiguous copy: indexing a ByteBuffer's view byte by byte costs more
            // than copying the few hundred bytes of a token request once.
            form = try FormDecoder.decode([UInt8](body.readableBytesView))
        } catch {
            throw OAuthError.invalidRequest(error.message)
        }
        guard let userAgent = request.headers[.userAgent], userAgent.utf8.contains(where: { $0 != 0x20 && $0 != 0x09 }) else {
            throw OAuthError.invalidRequest("The User-Agent header is required.")
        }
        if let query = request.uri.query, Self.queryNamesClientSecret(query) {
            throw OAuthError.invalidRequest("client_secret must not be sent in the URL.")
        }
        let basic: (clientID: String, secret: String)?
        do {
            basic = try BasicCredentials.parse(request.headers[.authorization])
        } catch .otherScheme {
            // RFC 6749 §5.2: an authentication scheme the server does not support is
            // invalid_client, answered with the scheme it does support.
            throw OAuthError.invalidClient("The Authorization header must use the Basic scheme.", basicAttempted: true)
        } catch {
            throw OAuthError.invalidRequest("Malformed Basic authorization header.")
        }
        // RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
        let parameters = form.filter { !$0.value.isEmpty }
        let client = try PresentedClient.resolve(
            basic: basic,
            bodyClientID: parameters["client_id"],
            bodySecret: parameters["client_secret"]
        )
        return TokenRequest(parameters: parameters, client: client)
    }

    /// `application/x-www-form-urlencoded`, optionally with `charset=utf-8`. Compared on bytes,
    /// without Foundation's string trimming: this runs on every token request.
    static func isFormContentType(_ value: String?) -> Bool {
        guard let value else { return false }
        // What every client sends, recognised without taking the value apart.
        if value == "application/x-www-form-urlencoded" { return true }
        let parts = value.utf8.split(separator: UInt8(ascii: ";")).map { HeaderBytes.trimmedLowercase($0) }
        guard parts.first == Array("application/x-www-form-urlencoded".utf8) else { return false }
        let charsetPrefix = Array("charset=".utf8)
        for parameter in parts.dropFirst() where parameter.starts(with: charsetPrefix) {
            let charset = parameter.dropFirst(charsetPrefix.count).filter { $0 != UInt8(ascii: "\"") }
            guard charset == Array("utf-8".utf8) || charset == Array("utf8".utf8) else { return false }
        }
        return true
    }

    /// Whether a query string names `client_secret`, however it is escaped.
    static func queryNamesClientSecret(_ query: String) -> Bool {
        query.split(separator: "&").contains { pair in
            let name = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            return (try? FormDecoder.decodeComponent(Array(name.utf8))) == "client_secret"
        }
    }
}
