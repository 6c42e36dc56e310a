import Foundation
import Testing

@testable import KeyfobClient

/// Decoding of token answers and both error shapes, as Smartcar and Keyfob send them.
@Suite("KeyfobClient decoding")
struct ResponseDecodingTests {
    @Test func tokenAnswerComputesBothExpirations() throws {
        let now = Date(timeIntervalSince1970: 1_000_000)
        let body = Data(#"{"access_token":"a","token_type":"Bearer","expires_in":7200,"refresh_token":"r","scope":"x"}"#.utf8)
        let access = try Access.decode(body, receivedAt: now)
        #expect(access == Access(accessToken: "a", refreshToken: "r", expiration: now + 7200, refreshExpiration: now + 60 * 24 * 3600))
    }

    @Test func applicationTokenAnswerHasNoRefreshExpiration() throws {
        let access = try Access.decode(Data(#"{"access_token":"a","token_type":"Bearer","expires_in":3600}"#.utf8), receivedAt: Date())
        #expect(access.refreshToken == nil && access.refreshExpiration == nil)
    }

    @Test func oauthErrorKeepsCodeDescriptionAndRetryAfter() {
        let error = KeyfobClientError.oauth(
            status: 503,
            body: Data(#"{"error":"temporarily_unavailable","error_description":"retry"}"#.utf8),
            retryAfter: 2
        )
        #expect(error == .oauth(.init(statusCode: 503, code: "temporarily_unavailable", description: "retry", retryAfter: 2)))
    }

    @Test func v2ErrorKeepsEveryField() {
        let body = Data(
            #"""
            {"type":"RATE_LIMIT","code":"VEHICLE","description":"Too many requests","docURL":"https://smartcar.com/docs/errors/api-errors/rate-limit-errors#vehicle","statusCode":429,"requestId":"5dea93a1-3f79-4246-90bb-8b4bd0f22cb4","resolution":{"type":"RETRY_LATER"}}
            """#.utf8
        )
        let error = KeyfobClientError.api(status: 429, body: body, requestID: nil, retryAfter: 30)
        #expect(
            error
                == .api(
                    .init(
                        type: "RATE_LIMIT",
                        code: "VEHICLE",
                        description: "Too many requests",
                        docURL: "https://smartcar.com/docs/errors/api-errors/rate-limit-errors#vehicle",
                        statusCode: 429,
                        requestID: "5dea93a1-3f79-4246-90bb-8b4bd0f22cb4",
                        resolutionType: "RETRY_LATER",
                        retryAfter: 30
                    )
                )
        )
    }

    @Test func bodiesOfNeitherShapeAreUnexpectedResponses() {
        let html = Data("<html>Bad gateway</html>".utf8)
        #expect(
            KeyfobClientError.oauth(status: 502, body: html, retryAfter: nil) == .unexpectedResponse(status: 502, body: "<html>Bad gateway</html>")
        )
        #expect(
            KeyfobClientError.api(status: 502, body: html, requestID: nil, retryAfter: nil)
                == .unexpectedResponse(status: 502, body: "<html>Bad gateway</html>")
        )
    }
}
