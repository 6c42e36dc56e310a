import Foundation
import KeyfobTestSupport
import Testing

/// The shape every token-endpoint error must have (docs/contract.md §2): JSON with both fields, no-store.
func expectOAuthError(
    _ reply: TestHTTP.Reply,
    status: Int,
    error: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(reply.status == status, "status; body: \(reply.text)", sourceLocation: sourceLocation)
    #expect(reply["error"] == error, "error; body: \(reply.text)", sourceLocation: sourceLocation)
    #expect(!(reply["error_description"] ?? "").isEmpty, "error_description", sourceLocation: sourceLocation)
    #expect(reply.json.count == 2, "exactly error and error_description", sourceLocation: sourceLocation)
    expectTokenEndpointHeaders(reply, sourceLocation: sourceLocation)
}

/// Headers on every token-endpoint answer.
func expectTokenEndpointHeaders(_ reply: TestHTTP.Reply, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(reply.header("Content-Type") == "application/json", sourceLocation: sourceLocation)
    #expect(reply.header("Cache-Control") == "no-store", sourceLocation: sourceLocation)
    #expect(reply.header("Pragma") == "no-cache", sourceLocation: sourceLocation)
    #expect(reply.header("sc-request-id").flatMap(UUIDShape.init) != nil, "sc-request-id", sourceLocation: sourceLocation)
}

/// A successful user-token answer: the contract's four fields.
func expectTokenPair(_ reply: TestHTTP.Reply, expiresIn: Int = 7200, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(reply.status == 200, "body: \(reply.text)", sourceLocation: sourceLocation)
    #expect(reply["token_type"] == "Bearer", sourceLocation: sourceLocation)
    #expect(reply.json["expires_in"] as? Int == expiresIn, sourceLocation: sourceLocation)
    #expect(reply["access_token"].flatMap(UUIDShape.init) != nil, sourceLocation: sourceLocation)
    #expect(reply["refresh_token"].flatMap(UUIDShape.init) != nil, sourceLocation: sourceLocation)
    expectTokenEndpointHeaders(reply, sourceLocation: sourceLocation)
}

/// A lowercase 36-character UUID string.
struct UUIDShape {
    init?(_ text: String) {
        guard text.count == 36, text == text.lowercased(), UUID(uuidString: text) != nil else { return nil }
    }
}

/// Smartcar's v2 error body, every key present.
func expectV2Error(
    _ reply: TestHTTP.Reply,
    status: Int,
    type: String,
    code: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(reply.status == status, "body: \(reply.text)", sourceLocation: sourceLocation)
    let json = reply.json
    #expect(json["type"] as? String == type, sourceLocation: sourceLocation)
    #expect(json.keys.sorted() == ["code", "description", "docURL", "requestId", "resolution", "statusCode", "type"], sourceLocation: sourceLocation)
    if let code {
        #expect(json["code"] as? String == code, sourceLocation: sourceLocation)
    } else {
        #expect(json["code"] is NSNull, sourceLocation: sourceLocation)
    }
    #expect(!((json["description"] as? String) ?? "").isEmpty, sourceLocation: sourceLocation)
    #expect(((json["docURL"] as? String) ?? "").hasPrefix("https://"), sourceLocation: sourceLocation)
    #expect(json["statusCode"] as? Int == status, sourceLocation: sourceLocation)
    #expect(json["requestId"] as? String == reply.header("sc-request-id"), sourceLocation: sourceLocation)
    #expect((json["resolution"] as? [String: Any])?["type"] is NSNull, sourceLocation: sourceLocation)
}
