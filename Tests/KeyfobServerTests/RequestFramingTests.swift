import Foundation
import KeyfobTestSupport
import Testing

/// Bad input at the token endpoint: always a 4xx in the contract's JSON shape, never a 5xx, and
/// nothing consumed.
@Suite("token request framing")
struct RequestFramingTests {
    /// Sends a raw body with Basic credentials of a fresh app, then proves the code survived.
    func expectRefusedWithoutConsuming(
        status: Int = 400,
        error: String = "invalid_request",
        contentType: String? = "application/x-www-form-urlencoded",
        extraHeaders: [(String, String)] = [],
        omitUserAgent: Bool = false,
        query: String = "",
        body: @escaping @Sendable (String) -> Data
    ) async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            var headers = [app.basic] + extraHeaders
            if let contentType { headers.append(("Content-Type", contentType)) }
            let reply = try await TestHTTP.send(
                .POST,
                server.tokenURL + query,
                headers: headers,
                body: body(code),
                omitUserAgent: omitUserAgent
            )
            expectOAuthError(reply, status: status, error: error)
            expectTokenPair(try await server.exchange(code, app: app))
        }
    }

    static func form(_ code: String) -> String {
        "grant_type=authorization_code&code=\(code)&redirect_uri=\(Fixtures.redirectURI.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
    }

    @Test func jsonContentTypeIsInvalidRequest() async throws {
        try await expectRefusedWithoutConsuming(contentType: "application/json") { Data(Self.form($0).utf8) }
    }

    @Test func missingContentTypeIsInvalidRequest() async throws {
        try await expectRefusedWithoutConsuming(contentType: nil) { Data(Self.form($0).utf8) }
    }

    @Test func charsetSuffixIsAccepted() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            let reply = try await TestHTTP.send(
                .POST,
                server.tokenURL,
                headers: [app.basic, ("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")],
                body: Data(Self.form(code).utf8)
            )
            expectTokenPair(reply)
        }
    }

    @Test func charsetOtherThanUTF8IsInvalidRequest() async throws {
        try await expectRefusedWithoutConsuming(contentType: "application/x-www-form-urlencoded; charset=ISO-8859-1") { Data(Self.form($0).utf8) }
    }

    @Test func missingUserAgentIsInvalidRequest() async throws {
        try await expectRefusedWithoutConsuming(omitUserAgent: true) { Data(Self.form($0).utf8) }
    }

    @Test func emptyUserAgentIsInvalidRequest() async throws {
        try await expectRefusedWithoutConsuming(extraHeaders: [("User-Agent", " ")]) { Data(Self.form($0).utf8) }
    }

    @Test func clientSecretInTheQueryStringIsInvalidRequest() async throws {
        try await expectRefusedWithoutConsuming(query: "?client_secret=abc") { Data(Self.form($0).utf8) }
    }

    @Test func otherQueryParametersAreIgnored() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            let reply = try await TestHTTP.send(
                .POST,
                server.tokenURL + "?code=nonsense&grant_type=password",
                headers: [app.basic, ("Content-Type", "application/x-www-form-urlencoded")],
                body: Data(Self.form(code).utf8)
            )
            expectTokenPair(reply)
        }
    }

    @Test func repeatedParameterIsInvalidRequest() async throws {
        try await expectRefusedWithoutConsuming { Data((Self.form($0) + "&code=\($0)").utf8) }
    }

    @Test func unknownParametersAreIgnored() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            expectTokenPair(try await server.exchange(code, app: app, extra: [("flags", "country:DE"), ("foo", "bar")]))
        }
    }

    @Test func oneMebibyteBodyIsRefusedWith413() async throws {
        try await expectRefusedWithoutConsuming(status: 413) { Data((Self.form($0) + "&pad=" + String(repeating: "a", count: 1 << 20)).utf8) }
    }

    @Test func nonUTF8BodyIsInvalidRequest() async throws {
        try await expectRefusedWithoutConsuming { Data(Self.form($0).utf8) + Data("&x=".utf8) + Data([0xFF, 0xFE, 0xC3]) }
    }

    @Test func percentEscapedNonUTF8IsInvalidRequest() async throws {
        try await expectRefusedWithoutConsuming { Data((Self.form($0) + "&x=%FF%FE").utf8) }
    }

    @Test func malformedPercentEscapeIsInvalidRequest() async throws {
        try await expectRefusedWithoutConsuming { Data((Self.form($0) + "&x=%ZZ").utf8) }
    }

    @Test func truncatedPercentEscapeIsInvalidRequest() async throws {
        try await expectRefusedWithoutConsuming { Data((Self.form($0) + "&x=%4").utf8) }
    }

    @Test func rawNulByteIsInvalidRequest() async throws {
        try await expectRefusedWithoutConsuming { Data(Self.form($0).utf8) + Data("&x=a".utf8) + Data([0]) }
    }

    @Test func escapedNulByteIsInvalidRequest() async throws {
        try await expectRefusedWithoutConsuming { Data((Self.form($0) + "&x=a%00b").utf8) }
    }

    @Test(arguments: ["GET", "PUT", "DELETE", "PATCH"])
    func otherMethodsAre405InTheContractShape(method: String) async throws {
        try await TestServer.with { server in
            let reply = try await TestHTTP.send(.init(rawValue: method), server.tokenURL)
            expectOAuthError(reply, status: 405, error: "invalid_request")
            #expect(reply.header("Allow") == "POST")
        }
    }

    @Test func emptyParameterValueCountsAsMissing() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await server.token([("grant_type", "authorization_code"), ("code", "")], headers: [app.basic])
            expectOAuthError(reply, status: 400, error: "invalid_request")
        }
    }

    @Test func descriptionQuotingClientInputStaysInTheAllowedCharacterSet() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await server.exchange("\"é\\<script>" + String(repeating: "x", count: 100), app: app)
            expectOAuthError(reply, status: 400, error: "invalid_request")
            let description = try #require(reply["error_description"])
            #expect(description.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\" })
            #expect(description.count <= "Invalid code: ".count + 64 + 1)
        }
    }
}
