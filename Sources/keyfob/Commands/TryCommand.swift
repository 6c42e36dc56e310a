import ArgumentParser
import AsyncHTTPClient
import Foundation
import KeyfobClient
import KeyfobConnect
import KeyfobCore
import Logging

/// `keyfob try`: the whole flow against a running Keyfob in one command — app, Connect in test
/// mode, code exchange with KeyfobClient, user and vehicles, refresh — printing each step.
struct TryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "try",
        abstract: "Walk the whole OAuth flow against a running Keyfob and show each step.",
        discussion: """
            Without --app it registers (or reuses, with a fresh secret) an app named "Keyfob Try" in \
            --database, which must be the running server's database. With --app, pass that app's \
            --secret; its first redirect URI is used.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @Option(name: .customLong("base-url"), help: "The running Keyfob.") var baseURL = "http://127.0.0.1:8080"
    @Option(help: "Use this app instead of the Keyfob Try app.") var app: String?
    @Option(help: "The secret of --app.") var secret: String?
    @Option(help: "The test-mode owner to log in as.") var email = "try@keyfob.dev"
    @Flag(help: "Sign in as a car's screen would: the device grant (RFC 8628) instead of Connect's redirect.") var device = false

    static let tryAppName = "Keyfob Try"
    static let tryRedirectURI = "http://127.0.0.1/keyfob-try/callback"

    func validate() throws {
        if app != nil && secret == nil { throw ValidationError("--app needs --secret (secrets are stored only as digests).") }
    }

    func run() async throws {
        Output.bootstrapLogging(level: .warning)
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let (clientID, clientSecret, redirectURI) = try await application()
        Output.line("1. App \(clientID) (redirect \(redirectURI))")

        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await walk(base: base, clientID: clientID, clientSecret: clientSecret, redirectURI: redirectURI, http: http)
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    private func walk(base: String, clientID: String, clientSecret: String, redirectURI: String, http: HTTPClient) async throws {
        let sdk = AuthClient(
            clientID: clientID,
            clientSecret: clientSecret,
            redirectURI: redirectURI,
            mode: .test,
            origins: .keyfob(base),
            httpClient: http
        )
        let access = try await (device ? deviceAccess(sdk, base: base, http: http) : connectAccess(sdk, base: base, http: http))
        try await use(access, sdk)
    }

    /// Steps 2–4 through Connect's redirect: the URL, the pages, the code exchange.
    private func connectAccess(_ sdk: AuthClient, base: String, http: HTTPClient) async throws -> Access {
        let pkce = PKCEPair.generate()
        let state = UUID().uuidString.prefix(8).lowercased()
        let url = sdk.authorizationURL(
            scope: Self.tryPermissions,
            options: ConnectOptions(state: String(state), codeChallenge: pkce.challenge)
        )
        Output.line("2. Connect URL\n  \(ConnectWalker.shorten(url.absoluteString))")

        Output.line("3. Connect in test mode as \(email)")
        let (code, returnedState) = try await ConnectWalker(http: http, log: Output.line).code(from: url, base: base, email: email)
        guard returnedState == String(state) else { throw ConnectWalker.Failure(description: "state came back as \(returnedState ?? "nothing")") }
        Output.line("  code \(ConnectWalker.shorten(code)), state \(state) (matches)")

        Output.line("4. POST /oauth/token grant_type=authorization_code (Basic auth, PKCE verifier)")
        let access = try await report { try await sdk.exchangeCode(code, codeVerifier: pkce.verifier) }
        Output.line(
            "  ← 200 access_token \(ConnectWalker.shorten(access.accessToken)) refresh_token \(ConnectWalker.shorten(access.refreshToken ?? "")) expires \(ISO8601DateFormatter().string(from: access.expiration))"
        )
        return access
    }

    /// Steps 2–4 as a car's screen signs in: a code to show, the owner's approval, the polls.
    private func deviceAccess(_ sdk: AuthClient, base: String, http: HTTPClient) async throws -> Access {
        Output.line("2. POST /oauth/device_authorization (Basic auth)")
        let code = try await report { try await sdk.requestDeviceCode(scope: Self.tryPermissions) }
        Output.line("  ← 200 user_code \(code.userCode), open \(code.verificationURI), poll every \(code.interval) s")

        Output.line("3. The owner opens \(code.verificationURIComplete ?? code.verificationURI) and approves as \(email)")
        try await ConnectWalker(http: http, log: Output.line).approveDevice(
            at: code.verificationURIComplete ?? code.verificationURI + "?user_code=" + code.userCode,
            base: base,
            email: email
        )

        Output.line("4. POST /oauth/token grant_type=urn:ietf:params:oauth:grant-type:device_code, every \(code.interval) s")
        let access = try await report { try await sdk.pollDeviceToken(code) }
        Output.line(
            "  ← 200 access_token \(ConnectWalker.shorten(access.accessToken)) refresh_token \(ConnectWalker.shorten(access.refreshToken ?? ""))"
        )
        return access
    }

    /// Steps 5–9: what the token is for.
    private func use(_ access: Access, _ sdk: AuthClient) async throws {
        Output.line("5. GET /v2.0/user")
        let user = try await report { try await sdk.api.user(accessToken: access.accessToken) }
        Output.line("  ← 200 {\"id\":\"\(user)\"}")

        Output.line("6. GET /v2.0/vehicles")
        let page = try await report { try await sdk.api.vehicles(accessToken: access.accessToken) }
        Output.line("  ← 200 \(page.vehicles.count) of \(page.paging.count) vehicle(s)")
        for id in page.vehicles {
            let vehicle = try await report { try await sdk.api.vehicle(id: id, accessToken: access.accessToken) }
            Output.line("    \(id)  \(vehicle.year) \(vehicle.make) \(vehicle.model)")
        }

        guard let car = page.vehicles.first else { throw ConnectWalker.Failure(description: "  ✗ the test owner has no vehicle") }
        Output.line("7. GET /v2.0/vehicles/\(ConnectWalker.shorten(car))/odometer and /location")
        let odometer = try await report { try await sdk.api.odometer(vehicleID: car, accessToken: access.accessToken) }
        let location = try await report { try await sdk.api.location(vehicleID: car, accessToken: access.accessToken) }
        Output.line("  ← 200 \(odometer.value.distance) km, at \(location.value.latitude),\(location.value.longitude)")

        Output.line("8. POST /oauth/token grant_type=refresh_token")
        let refreshed = try await report { try await sdk.exchangeRefreshToken(access.refreshToken ?? "") }
        Output.line(
            "  ← 200 access_token \(ConnectWalker.shorten(refreshed.accessToken)) refresh_token \(ConnectWalker.shorten(refreshed.refreshToken ?? "")) (rotated)"
        )

        Output.line("9. POST /v2.0/vehicles/\(ConnectWalker.shorten(car))/security {\"action\":\"LOCK\"} with the new token")
        let locked = try await report { try await sdk.api.lock(vehicleID: car, accessToken: refreshed.accessToken) }
        Output.line("  ← 200 \(locked.status): \(locked.message)")
        Output.line("Done: the flow works end to end.")
    }

    /// What the walk asks for: the vehicle's details, its odometer and location, and locking it.
    static let tryPermissions = ["read_vehicle_info", "read_odometer", "read_location", "control_security"]

    /// Runs a step, turning an SDK error into a readable failure.
    private func report<T>(_ step: () async throws -> T) async throws -> T {
        do {
            return try await step()
        } catch let error as KeyfobClientError {
            throw ConnectWalker.Failure(description: "  ✗ \(error)")
        }
    }

    /// The app to use: `--app`/`--secret`, or the Keyfob Try app (registered, or reused with a new secret).
    private func application() async throws -> (String, String, String) {
        let settings = try await database.resolved()
        let store = try await settings.openStore(logger: Logger(label: "keyfob.try"))
        if let app, let secret {
            guard let id = UUID(text: app), let found = try await store.application(id: id), let redirect = found.redirectURIs.first else {
                throw CommandFailure("No application with id \(app) in \(settings.displayName).")
            }
            return (app, secret, redirect)
        }
        let registrar = ApplicationRegistrar(store: store)
        // An earlier version's Try app asked for fewer permissions or grants; a new one is registered then.
        if let existing = try await store.applications().first(where: {
            $0.name == Self.tryAppName && $0.redirectURIs == [Self.tryRedirectURI] && Set(Self.tryPermissions).isSubset(of: $0.permissions)
                && $0.allows(GrantType.deviceCode)
        }),
            let secret = try await registrar.rotateSecret(of: existing.id, overlap: 0)
        {
            return (existing.id.lowercasedText, secret, Self.tryRedirectURI)
        }
        let registered = try await registrar.register(
            name: Self.tryAppName,
            redirectURIs: [Self.tryRedirectURI],
            permissions: Self.tryPermissions,
            isPublic: false,
            grantTypes: GrantType.all
        )
        return (registered.application.id.lowercasedText, registered.secret ?? "", Self.tryRedirectURI)
    }
}
