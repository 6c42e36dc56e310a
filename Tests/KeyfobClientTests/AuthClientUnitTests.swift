import Foundation
import KeyfobClient
import KeyfobConnect
import Testing

/// URL building, configuration and decoding, without a server.
@Suite("KeyfobClient units")
struct AuthClientUnitTests {
    let client = AuthClient(
        clientID: "cid",
        clientSecret: "secret",
        redirectURI: "https://app.example.com/cb?x=1",
        mode: .test,
        origins: .keyfob("http://127.0.0.1:8080/")
    )

    func query(_ url: URL) -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: (URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []).map { ($0.name, $0.value ?? "") }
        )
    }

    @Test func authorizationURLCarriesTheBasicParameters() {
        let url = client.authorizationURL(scope: ["read_vehicle_info", "read_odometer"])
        #expect(url.absoluteString.hasPrefix("http://127.0.0.1:8080/oauth/authorize?"))
        #expect(
            query(url) == [
                "response_type": "code", "client_id": "cid", "redirect_uri": "https://app.example.com/cb?x=1",
                "approval_prompt": "auto", "mode": "test", "scope": "read_vehicle_info read_odometer",
            ]
        )
        #expect(url.absoluteString.contains("scope=read_vehicle_info%20read_odometer"))
    }

    @Test func authorizationURLCarriesEveryOption() {
        let options = ConnectOptions(
            state: "a b&c",
            forcePrompt: true,
            make: "TESLA",
            singleSelect: .vin("0SC123"),
            flags: ["country": "DE", "a": "b"],
            user: "u-1",
            codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        )
        let parameters = query(client.authorizationURL(scope: [], options: options))
        #expect(parameters["state"] == "a b&c")
        #expect(parameters["approval_prompt"] == "force")
        #expect(parameters["make"] == "TESLA")
        #expect(parameters["single_select"] == "true" && parameters["single_select_vin"] == "0SC123")
        #expect(parameters["flags"] == "a:b country:DE")
        #expect(parameters["user"] == "u-1")
        #expect(parameters["code_challenge"] == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" && parameters["code_challenge_method"] == "S256")
        #expect(parameters["scope"] == nil)
        #expect(query(client.authorizationURL(scope: [], options: ConnectOptions(singleSelect: .any)))["single_select_vin"] == nil)
    }

    @Test func pkcePairMatchesRFC7636() {
        #expect(PKCEPair.challenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        let pair = PKCEPair.generate()
        #expect(pair.verifier.count == 43)
        #expect(pair.challenge == PKCEPair.challenge(for: pair.verifier))
        #expect(PKCEPair.generate() != pair)
    }

    @Test func authOriginWorksInBothSDKStyles() {
        #expect(Origins.keyfob("http://h:1").tokenURL == "http://h:1/oauth/token")
        #expect(Origins(auth: "http://h:1/oauth/token", connect: "", api: "").tokenURL == "http://h:1/oauth/token")
    }

    @Test func environmentConfiguresLikeTheOfficialSDKs() throws {
        let environment = [
            "SMARTCAR_CLIENT_ID": "id", "SMARTCAR_CLIENT_SECRET": "s", "SMARTCAR_REDIRECT_URI": "https://a/cb",
            "SMARTCAR_AUTH_ORIGIN": "http://127.0.0.1:9/oauth/token", "SMARTCAR_CONNECT_ORIGIN": "http://127.0.0.1:9",
        ]
        let configured = try #require(AuthClient.fromEnvironment(mode: .test, environment: environment))
        #expect(configured.clientID == "id" && configured.redirectURI == "https://a/cb")
        #expect(configured.origins.tokenURL == "http://127.0.0.1:9/oauth/token")
        #expect(configured.origins.api == Origins.smartcar.api)
        #expect(AuthClient.fromEnvironment(environment: [:]).map { _ in true } == nil)
    }

    @Test func accessExpiryHelpers() {
        let now = Date()
        let access = Access(accessToken: "a", refreshToken: "r", expiration: now + 10, refreshExpiration: now + 100)
        #expect(!access.isExpired(at: now) && access.isExpired(at: now + 10))
        #expect(!access.isRefreshExpired(at: now + 99) && access.isRefreshExpired(at: now + 100))
        #expect(Access(accessToken: "a", refreshToken: nil, expiration: now, refreshExpiration: nil).isRefreshExpired(at: now))
    }
}
