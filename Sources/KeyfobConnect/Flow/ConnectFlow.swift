import Foundation
import KeyfobCore

/// The Connect flow (docs/contract.md §3) apart from HTTP: authorize → login → grant → redirect. Every step
/// reads and writes the session in the store, so each page may be served by another instance.
public struct ConnectFlow: Sendable {
    /// What the flow reads and writes: Connect's records, the applications it shows, and the
    /// consents it records.
    public typealias Records = ConnectStore & ApplicationStore & ConsentStore & DeviceAuthorizationStore

    let store: any Records
    let clock: any WallClock
    let random: any RandomSource
    let policy: TokenPolicy
    let passwords: any PasswordVerifier
    let throttle: LoginThrottle
    /// Slows user-code guessing on the device verification page.
    let deviceThrottle: DeviceEntryThrottle
    /// The modes this server serves.
    let modes: Set<ConnectMode>

    /// How long an owner has to finish a flow.
    public static let sessionLifetime: TimeInterval = 900

    /// Makes the flow.
    public init(
        store: any Records,
        clock: any WallClock,
        random: any RandomSource,
        policy: TokenPolicy,
        passwords: any PasswordVerifier,
        modes: Set<ConnectMode> = Set(ConnectMode.allCases)
    ) {
        self.modes = modes
        self.store = store
        self.clock = clock
        self.random = random
        self.policy = policy
        self.passwords = passwords
        self.throttle = LoginThrottle(store: store, clock: clock)
        self.deviceThrottle = DeviceEntryThrottle(store: store, clock: clock)
    }

    /// What to show or where to go next.
    public enum Step: Sendable {
        case login(LoginScreen)
        case grant(GrantScreen)
        case redirect(ConnectRedirect)
        /// The device verification page's code entry (RFC 8628 §3.3).
        case deviceEntry(DeviceEntryScreen)
        /// A device flow's end: the owner goes back to the car.
        case deviceFinished(DeviceFinishedScreen)
        /// An error page that does not redirect: bad client or redirect URI (400), lost session
        /// (400), forged form (403).
        case page(status: Int, message: String)
    }

    /// The login screen's content.
    public struct LoginScreen: Sendable {
        /// The name shown to the owner.
        public var applicationName: String
        /// The flow's mode (test and simulated pages say any login works).
        public var mode: ConnectMode
        /// The session's anti-CSRF token for the form.
        public var csrfToken: String
        /// The email typed so far, shown again after a failure.
        public var email: String
        /// Why the page is shown again, if it is.
        public var message: String?
    }

    /// The grant screen's content.
    public struct GrantScreen: Sendable {
        public struct Item: Sendable {
            /// The permission name (the checkbox's key).
            public var name: String
            /// The permission in plain words.
            public var description: String
            /// Shown ticked and locked.
            public var required: Bool
        }

        /// The name shown to the owner.
        public var applicationName: String
        /// The session's anti-CSRF token for the form.
        public var csrfToken: String
        /// The permissions asked for.
        public var permissions: [Item]
        /// The vehicles offered.
        public var vehicles: [Vehicle]
        /// Radio buttons instead of checkboxes.
        public var singleSelect: Bool
        /// Why the page is shown again, if it is.
        public var message: String?
    }

    // MARK: Steps

    /// `GET /oauth/authorize`: validates, starts a session, and shows the login screen. Returns
    /// the session token for the cookie when a session was started.
    public func start(query: [String: String]) async throws -> (step: Step, sessionToken: String?) {
        if let requestURI = query["request_uri"], !requestURI.isEmpty {
            return try await startPushed(requestURI: requestURI, clientID: query["client_id"])
        }
        let validated = try await AuthorizationRequest.validate(query, modes: modes) { try await store.application(id: $0) }
        switch validated {
        case .failure(.page(let message)):
            return (.page(status: 400, message: message), nil)
        case .failure(.redirect(let redirect)):
            return (.redirect(redirect), nil)
        case .success(let (request, application)):
            return try await beginSession(request, application)
        }
    }

    /// Stores a new session for a validated request and shows its login screen.
    func beginSession(_ request: AuthorizationRequest, _ application: ClientApplication) async throws -> (step: Step, sessionToken: String?) {
        let token = TokenText.random(using: random) + TokenText.random(using: random)
        let session = ConnectSession(
            digest: .of(token),
            request: request,
            csrfToken: ClientSecret.generate(using: random),
            ownerID: nil,
            expiresAt: clock.now + Self.sessionLifetime
        )
        try await store.insertSession(session)
        let screen = LoginScreen(applicationName: application.name, mode: request.mode, csrfToken: session.csrfToken, email: "", message: nil)
        return (.login(screen), token)
    }

    /// `POST /oauth/login`. Returns the renewed session token for the cookie after a successful
    /// login that leads to the grant page.
    /// `address` is where the attempt came from: live logins are throttled per email and address.
    public func login(sessionToken: String?, form: LoginForm, from address: String) async throws -> (step: Step, sessionToken: String?) {
        let (session, application): (ConnectSession, ClientApplication)
        switch try await checkedSession(sessionToken, .submitted(form.csrfToken)) {
        case .failure(let failure): return (failure.step, nil)
        case .success(let found): (session, application) = found
        }
        return try await logIn(session, application, form: form, from: address)
    }

    private func logIn(
        _ session: ConnectSession,
        _ application: ClientApplication,
        form: LoginForm,
        from address: String
    ) async throws -> (step: Step, sessionToken: String?) {
        let request = session.request
        let email = form.email
        let password = form.password
        func again(_ message: String) -> Step {
            .login(LoginScreen(applicationName: application.name, mode: request.mode, csrfToken: session.csrfToken, email: email, message: message))
        }
        guard email.count <= 254, email.split(separator: "@").count == 2, !password.isEmpty else {
            return (again("Enter your email address and password."), nil)
        }

        let owner: Owner
        if request.mode == .live {
            // Counted before the password is checked, so parallel guesses cannot all slip in
            // under the limit; a success takes the count back.
            if let wait = try await throttle.admit(email: email, from: address) {
                return (again("Too many failed attempts for this email. Try again in \(wait) seconds."), nil)
            }
            let found = try await store.owner(email: email, mode: .live)
            // An unknown email costs the same bcrypt work as a known one, so the time of the answer
            // does not tell which emails have accounts.
            let matches = try await passwords.verify(password, hash: found?.passwordHash ?? passwords.decoyHash)
            guard let found, found.passwordHash != nil, matches else {
                return (again("That email and password do not match an account."), nil)
            }
            try await throttle.recordSuccess(email: email, from: address)
            owner = found
        } else {
            if let special = specialTestLogin(email, request: request, session: session) {
                return (try await finish(session, special), nil)
            }
            owner = try await testOwner(email: email, mode: request.mode)
        }
        let (renewed, renewedToken) = try await renew(session, ownerID: owner.id)

        let offered = try await offeredVehicles(for: owner, request: request)
        guard !offered.isEmpty else {
            return (
                try await finish(
                    renewed,
                    .init(
                        uri: request.redirectURI,
                        state: request.state,
                        error: "no_vehicles",
                        description: "No vehicles were found for this account."
                    )
                ), nil
            )
        }
        if !request.forceApproval, let grant = try await coveringGrant(owner: owner, request: request, offered: offered) {
            return (try await issueCode(renewed, ownerID: owner.id, permissions: grant.permissions, vehicleIDs: grant.vehicleIDs), nil)
        }
        return (.grant(grantScreen(application, renewed, offered, message: nil)), renewedToken)
    }

    /// A logged-in session gets a new token and a new CSRF token (renewing the session id when
    /// privileges change), so a token that existed before the login is worthless after it.
    private func renew(_ session: ConnectSession, ownerID: UUID) async throws -> (ConnectSession, String) {
        let token = TokenText.random(using: random) + TokenText.random(using: random)
        var renewed = session
        renewed.digest = .of(token)
        renewed.csrfToken = ClientSecret.generate(using: random)
        renewed.ownerID = ownerID
        try await store.insertSession(renewed)
        _ = try await store.deleteSession(digest: session.digest)
        return (renewed, token)
    }

    /// `GET /oauth/grant`: the grant screen again (after a reload).
    public func grantPage(sessionToken: String?) async throws -> Step {
        let (session, application): (ConnectSession, ClientApplication)
        switch try await checkedSession(sessionToken, .notAForm) {
        case .failure(let failure): return failure.step
        case .success(let found): (session, application) = found
        }
        guard let ownerID = session.ownerID, let owner = try await owner(ownerID, mode: session.request.mode) else {
            return outOfOrder(session, Self.notLoggedIn)
        }
        return .grant(grantScreen(application, session, try await offeredVehicles(for: owner, request: session.request), message: nil))
    }

    /// `POST /oauth/grant`: Allow or Deny.
    public func decide(sessionToken: String?, decision: GrantDecision) async throws -> Step {
        let (session, application): (ConnectSession, ClientApplication)
        switch try await checkedSession(sessionToken, .submitted(decision.csrfToken)) {
        case .failure(let failure): return failure.step
        case .success(let found): (session, application) = found
        }
        let request = session.request
        guard let ownerID = session.ownerID, let owner = try await owner(ownerID, mode: request.mode) else {
            return outOfOrder(session, Self.notLoggedIn)
        }
        switch decision.choice {
        case .deny:
            return try await finish(
                session,
                .init(
                    uri: request.redirectURI,
                    state: request.state,
                    error: "access_denied",
                    description: "User denied access to application."
                )
            )
        case .allow:
            break
        case nil:
            return outOfOrder(session, "The grant form was sent without Allow or Deny.")
        }
        let offered = try await offeredVehicles(for: owner, request: request)
        let selected = offered.filter { decision.vehicleIDs.contains($0.id) }
        guard !selected.isEmpty else {
            return .grant(grantScreen(application, session, offered, message: "Select a vehicle to share."))
        }
        guard !request.singleSelect || selected.count == 1 else {
            return .grant(grantScreen(application, session, offered, message: "Select exactly one vehicle."))
        }
        // Required permissions are granted whatever the form says: their boxes cannot be unticked.
        let granted = request.permissions.filter { $0.required || decision.permissions.contains($0.name) }.map(\.name)
        guard !granted.isEmpty else {
            return .grant(grantScreen(application, session, offered, message: "Allow at least one permission, or choose Deny."))
        }
        return try await issueCode(session, ownerID: owner.id, permissions: granted, vehicleIDs: selected.map(\.id))
    }

    // MARK: Pieces

    /// Whether a step is a form post, which must carry the session's anti-CSRF token.
    enum FormProof {
        case notAForm
        case submitted(String?)
    }

    private func checkedSession(_ token: String?, _ proof: FormProof) async throws -> Result<(ConnectSession, ClientApplication), StepFailure> {
        guard let token, let session = try await store.session(digest: .of(token)), session.expiresAt > clock.now else {
            return .failure(
                StepFailure(
                    step: .page(
                        status: 400,
                        message: "This sign-in has expired or was already finished. Go back to the application and start again."
                    )
                )
            )
        }
        guard let application = try await store.application(id: session.request.applicationID) else {
            return .failure(StepFailure(step: .page(status: 400, message: "The application is no longer registered.")))
        }
        if case .submitted(let csrf) = proof {
            guard let csrf, SecretDigest.of(csrf).constantTimeEquals(.of(session.csrfToken)) else {
                return .failure(
                    StepFailure(
                        step: .page(
                            status: 403,
                            message: "This form could not be verified. Go back to the application and start again."
                        )
                    )
                )
            }
        }
        return .success((session, application))
    }

    struct StepFailure: Error {
        let step: Step
    }

    private func outOfOrder(_ session: ConnectSession, _ reason: String) -> Step {
        if session.request.deviceUserCodeDigest != nil { return .page(status: 400, message: reason) }
        return .redirect(
            .init(
                uri: session.request.redirectURI,
                state: session.request.state,
                error: "configuration_error",
                description: "Connect pages were used out of order.",
                extra: [("status_code", "400"), ("error_message", reason)]
            )
        )
    }

    private static let notLoggedIn = "The grant step was reached before logging in."

    private func grantScreen(_ application: ClientApplication, _ session: ConnectSession, _ vehicles: [Vehicle], message: String?) -> GrantScreen {
        GrantScreen(
            applicationName: application.name,
            csrfToken: session.csrfToken,
            permissions: session.request.permissions.map {
                .init(name: $0.name, description: PermissionDescriptions.describe($0.name), required: $0.required)
            },
            vehicles: vehicles,
            singleSelect: session.request.singleSelect,
            message: message
        )
    }

    private func issueCode(_ session: ConnectSession, ownerID: UUID, permissions: [String], vehicleIDs: [UUID]) async throws -> Step {
        // Deleting the session first makes a double submit harmless: only one request gets a code.
        guard try await store.deleteSession(digest: session.digest) else {
            return .page(status: 400, message: "This sign-in was already finished. Go back to the application.")
        }
        let request = session.request
        let grant = Consent(
            id: UUID(),
            applicationID: request.applicationID,
            ownerID: ownerID,
            permissions: permissions,
            vehicleIDs: vehicleIDs,
            createdAt: clock.now
        )
        if let device = request.deviceUserCodeDigest {
            return try await finishDevice(userCode: SecretDigest(bytes: device), .approve(grant), reason: nil)
        }
        let code = try await CodeIssuer(store: store, clock: clock, random: random, policy: policy).issue(
            grant,
            binding: .init(redirectURI: request.redirectURI, redirectURIWasSent: request.redirectURIWasSent, codeChallenge: request.codeChallenge)
        )
        return .redirect(ConnectRedirect(uri: request.redirectURI, state: request.state, code: code[0]))
    }

    /// Ends a flow that did not grant: back to the application with the error, or, for a device,
    /// the request denied and a page that says why.
    func finish(_ session: ConnectSession, _ redirect: ConnectRedirect) async throws -> Step {
        guard try await store.deleteSession(digest: session.digest) else {
            return .page(status: 400, message: "This sign-in was already finished. Go back to the application.")
        }
        if let device = session.request.deviceUserCodeDigest {
            let reason = redirect.parameters.first { $0.0 == "error_description" }?.1
            return try await finishDevice(userCode: SecretDigest(bytes: device), .deny, reason: reason)
        }
        return .redirect(redirect)
    }
}
