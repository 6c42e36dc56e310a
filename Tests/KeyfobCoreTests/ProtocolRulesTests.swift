import Foundation
import Testing

@testable import KeyfobCore

@Suite("protocol rules")
struct ProtocolRulesTests {
    @Test func errorDescriptionsAreFoldedIntoRFC6749sCharacterSet() {
        let error = OAuthError.invalidRequest("bad \"quote\" \\ é\n")
        #expect(error.errorDescription == "bad ?quote? ? ??")
    }

    @Test func quotingKeepsTheFirst64Characters() {
        #expect(OAuthError.quoting("Invalid code", String(repeating: "x", count: 100)) == "Invalid code: \(String(repeating: "x", count: 64)).")
    }

    @Test func basicAloneAuthenticatesWithBasic() throws {
        let client = try PresentedClient.resolve(basic: ("id", "s"), bodyClientID: nil, bodySecret: nil)
        #expect(client == PresentedClient(clientID: "id", secret: "s", method: .basic))
    }

    @Test func basicAndBodySecretTogetherAreInvalidRequest() {
        #expect(throws: OAuthError.invalidRequest("Use one client authentication method: Basic or client_secret in the body, not both.")) {
            try PresentedClient.resolve(basic: ("id", "s"), bodyClientID: nil, bodySecret: "s")
        }
    }

    @Test func bodyClientIDMustMatchBasic() {
        #expect(throws: OAuthError.invalidClient("The client_id in the body does not match the Basic credentials.", basicAttempted: true)) {
            try PresentedClient.resolve(basic: ("id", "s"), bodyClientID: "other", bodySecret: nil)
        }
    }

    @Test func secretWithoutClientIDIsInvalidRequest() {
        #expect(throws: OAuthError.invalidRequest("client_secret was sent without client_id.")) {
            try PresentedClient.resolve(basic: nil, bodyClientID: nil, bodySecret: "s")
        }
    }

    @Test func clientIDAloneIsAPublicClient() throws {
        #expect(try PresentedClient.resolve(basic: nil, bodyClientID: "id", bodySecret: nil)?.method == PresentedClient.Method.none)
        #expect(try PresentedClient.resolve(basic: nil, bodyClientID: nil, bodySecret: nil) == nil)
    }

    @Test(arguments: ["https://app.example.com/cb", "http://localhost:8000/callback", "com.example.app://oauth", "sc123://exchange"])
    func registrableRedirectURIs(uri: String) {
        #expect(RedirectURI.problem(with: uri) == nil)
    }

    @Test(arguments: [
        "", "/relative", "https://app.example.com/cb#frag", "javascript:alert(1)", "data:text/html,x", "https:///nohost",
        "https://user:pw@app.example.com/cb", "https://app.example.com/a b",
    ])
    func unregistrableRedirectURIs(uri: String) {
        #expect(RedirectURI.problem(with: uri) != nil)
    }

    @Test func clientCredentialsScopeMustStayWithinTheApplicationsPermissions() async throws {
        let registered = ["read_vehicle_info", "read_odometer"]
        #expect(try ClientCredentialsGrant.scope(requested: "read_odometer", allowed: registered) == ["read_odometer"])
        #expect(try ClientCredentialsGrant.scope(requested: nil, allowed: registered) == registered)
        #expect(throws: OAuthError(.invalidScope, "Scope not allowed for this application: control_pin.")) {
            try ClientCredentialsGrant.scope(requested: "control_pin", allowed: registered)
        }
    }
}

/// How `Authorization: <scheme> <token>` is read for the vehicle API.
@Suite("bearer credentials")
struct BearerCredentialsTests {
    @Test(arguments: [
        ("Bearer abc", "bearer", "abc"),
        ("bearer abc", "bearer", "abc"),
        ("DPoP abc.def", "dpop", "abc.def"),
        ("  Bearer   abc  ", "bearer", "abc"),
        ("Bearer \tabc\t", "bearer", "abc"),
        ("Bearer abc def", "bearer", "abc def"),
    ])
    func theSchemeIsLowercasedAndTheTokenTrimmed(_ header: String, _ scheme: String, _ token: String) {
        let parsed = BearerAuthenticator.credentials(header)
        #expect(parsed?.scheme == scheme && parsed?.token == token)
    }

    /// A scheme alone, a tab where the space belongs, nothing at all: no credentials.
    @Test(arguments: ["Bearer", "Bearer   ", "Bearer\tabc", "", "   "])
    func withoutASchemeAndATokenThereAreNoCredentials(_ header: String) {
        #expect(BearerAuthenticator.credentials(header) == nil)
    }
}
