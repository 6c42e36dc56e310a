import Foundation
import KeyfobCore

/// The device verification pages (RFC 8628 §3.3): the owner types the code the car shows, then
/// walks the same login and grant screens as `/oauth/authorize`; the flow ends on a page that
/// sends them back to the car instead of at a redirect URI.
extension ConnectFlow {
    /// The code entry screen.
    public struct DeviceEntryScreen: Sendable, Equatable {
        /// 200 for the empty form, 400 with a message for a refused code, 429 while entries from
        /// this session or address are over their limit.
        public var status: Int
        /// The code to show in the field: what was typed, or `verification_uri_complete`'s.
        public var userCode: String
        /// Why the page is shown again, if it is.
        public var message: String?
    }

    /// The page a device flow ends on.
    public struct DeviceFinishedScreen: Sendable, Equatable {
        /// Whether the device will receive its tokens.
        public var approved: Bool
        /// Why nothing was shared, when nothing was.
        public var reason: String?
    }

    /// A new entry session's token: the browser's double-submit cookie on the entry form.
    public func newDeviceEntryToken() -> String { TokenText.random(using: random) }

    /// `GET /oauth/device`: the entry screen, pre-filled from `?user_code=`.
    public func deviceEntryPage(prefilled: String?) -> Step {
        // Shown as typed only when it could be a code: the field never echoes arbitrary input.
        let shown = prefilled.flatMap { try? UserCode.parse($0).display } ?? ""
        return .deviceEntry(DeviceEntryScreen(status: 200, userCode: shown, message: nil))
    }

    /// `POST /oauth/device`: checks the typed code and, for a live pending one, starts a Connect
    /// session for it. `entrySession` names the browser's entry session (its cookie), `address`
    /// where the entry came from; both are limited.
    public func enterUserCode(
        _ typed: String,
        entrySession: SecretDigest,
        from address: String
    ) async throws
        -> (step: Step, sessionToken: String?)
    {
        func again(_ message: String, status: Int = 400) -> (step: Step, sessionToken: String?) {
            let shown = typed.count <= 16 ? typed : ""
            return (.deviceEntry(DeviceEntryScreen(status: status, userCode: shown, message: message)), nil)
        }
        if let wait = try await deviceThrottle.admit(session: entrySession, from: address) {
            return again("Too many codes were tried. Try again in \(wait) seconds.", status: 429)
        }
        let code: UserCode
        do {
            code = try UserCode.parse(typed)
        } catch .wrongLength {
            return again("A code has 8 letters, like BCDF-GHJK.")
        } catch {
            return again("A code has only the letters BCDFGHJKLMNPQRSTVWXZ.")
        }
        let record = try await store.deviceAuthorization(userCode: code.digest)
        switch DeviceCodeRule.entryVerdict(for: record, at: clock.now) {
        case .unknown:
            try await store.countWrongUserCode(group: code.groupDigest, at: clock.now, burnAfter: DeviceCodeRule.wrongGuessesBeforeBurn)
            return again("That code is not valid. Check the code on your car's screen.")
        case .expired:
            return again("That code has expired. Start again on your car.")
        case .decided:
            return again("That code was already used.")
        case .decide:
            break
        }
        guard let record, let application = try await store.application(id: record.applicationID),
            let mode = ConnectMode(rawValue: record.mode)
        else {
            return again("That code is not valid. Check the code on your car's screen.")
        }
        let permissions: [AuthorizationRequest.RequestedPermission]
        switch AuthorizationRequest.requestedPermissions(scope: record.scope.joined(separator: " "), of: application) {
        case .success(let requested): permissions = requested
        case .failure(let refusal): return again(refusal.description)
        }
        let request = AuthorizationRequest(
            applicationID: application.id,
            redirectURI: "",
            redirectURIWasSent: false,
            state: nil,
            permissions: permissions,
            // A device request is always shown to the owner: an earlier grant never approves one
            // silently, since whoever holds the device started it (RFC 8628 §5.4).
            forceApproval: true,
            mode: mode,
            make: nil,
            singleSelect: false,
            singleSelectVIN: nil,
            codeChallenge: nil,
            deviceUserCodeDigest: code.digest.bytes
        )
        return try await beginSession(request, application)
    }

    /// Records the owner's decision on a device request whose session has just ended.
    func finishDevice(userCode: SecretDigest, _ decision: DeviceDecision, reason: String?) async throws -> Step {
        switch try await store.decideDeviceAuthorization(userCode: userCode, decision, at: clock.now) {
        case .decide:
            if case .approve = decision { return .deviceFinished(DeviceFinishedScreen(approved: true, reason: nil)) }
            return .deviceFinished(DeviceFinishedScreen(approved: false, reason: reason))
        case .expired:
            return .page(status: 400, message: "The code on your car expired before you finished. Start again on your car.")
        case .decided, .unknown:
            return .page(status: 400, message: "This code was already used. Start again on your car if you need to.")
        }
    }
}
