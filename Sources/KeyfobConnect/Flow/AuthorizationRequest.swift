import Foundation
import KeyfobCore

/// A validated `GET /oauth/authorize` request (docs/contract.md §3), kept in the Connect session while the
/// owner logs in and decides.
public struct AuthorizationRequest: Sendable, Codable, Equatable {
    /// One permission asked for; a required one cannot be unticked.
    public struct RequestedPermission: Sendable, Codable, Equatable {
        /// The permission name.
        public var name: String
        /// Whether the owner may not untick it (`required:` in the scope).
        public var required: Bool
    }

    /// The client asking.
    public var applicationID: UUID
    /// Where the answer goes: the URI sent, or the application's first one.
    public var redirectURI: String
    /// Whether the request named the redirect URI (RFC 6749 §4.1.3 then binds the code to it).
    public var redirectURIWasSent: Bool
    /// Echoed verbatim.
    public var state: String?
    /// The permissions asked for, in the order given.
    public var permissions: [RequestedPermission]
    /// `force` always shows the grant screen; `auto` skips it when an earlier grant covers this one.
    public var forceApproval: Bool
    /// Which owners log in: live accounts, or test/simulated ones.
    public var mode: ConnectMode
    /// Only vehicles of this brand are offered.
    public var make: String?
    /// The owner may share one vehicle only.
    public var singleSelect: Bool
    /// Only this vehicle is offered.
    public var singleSelectVIN: String?
    /// RFC 7636 S256 challenge.
    public var codeChallenge: String?
    /// Set when the flow approves a device (RFC 8628) instead of redirecting: the digest of the
    /// user code the owner entered. The flow then ends on a page, never at a redirect URI.
    public var deviceUserCodeDigest: Data?
}

/// Why an authorize request cannot go on.
public enum AuthorizationRequestFailure: Error, Sendable, Equatable {
    /// The client or redirect URI cannot be trusted: show a page, never redirect (RFC 6749 §4.1.2.1).
    case page(String)
    /// The redirect URI is trusted: send the error back to the application with `state`.
    case redirect(ConnectRedirect)
}

extension AuthorizationRequest {
    /// The longest `state` kept and echoed.
    public static let maxStateSize = 2048

    /// Validates raw query parameters against the registered application.
    ///
    /// Client, redirect URI and response type are checked first, and any fault in them is a page
    /// whatever else is wrong; only then may an error travel to the redirect URI.
    /// `modes` are the populations this server serves (`--connect-modes`); a request for another
    /// is refused to the redirect URI. `pushed` says the parameters came to `POST /oauth/par`
    /// (RFC 9126) rather than in a URL, which an application that requires PAR must do.
    public static func validate(
        _ rawQuery: [String: String],
        modes: Set<ConnectMode> = Set(ConnectMode.allCases),
        pushed: Bool = false,
        lookUp: (UUID) async throws -> ClientApplication?
    ) async throws -> Result<(AuthorizationRequest, ClientApplication), AuthorizationRequestFailure> {
        // RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
        let query = rawQuery.filter { !$0.value.isEmpty }
        let clientID = query["client_id"] ?? query["application_id"]
        guard let clientID, let id = UUID(text: clientID), let application = try await lookUp(id) else {
            return .failure(.page("This link names an application that is not registered with Keyfob."))
        }
        let redirectURI: String
        if let sent = query["redirect_uri"] {
            // Byte-for-byte: no normalisation of case, slashes, dots or escapes (RFC 9700 §4.1.3).
            guard application.redirectURIs.contains(sent) else {
                return .failure(.page("The redirect URI in this link is not registered for \(application.name)."))
            }
            redirectURI = sent
        } else {
            guard let first = application.redirectURIs.first else {
                return .failure(.page("\(application.name) has no registered redirect URI."))
            }
            redirectURI = first
        }
        guard let responseType = query["response_type"] else {
            return .failure(.page("This link is missing response_type=code."))
        }
        guard responseType == "code" else {
            return .failure(.page("Keyfob supports only response_type=code."))
        }

        let state = query["state"]
        if let state, state.utf8.count > maxStateSize {
            // Echoed verbatim and kept in the session: an app's state is a nonce or a short
            // reference, never kilobytes.
            return .failure(.page("The state parameter of this link is longer than \(maxStateSize) bytes."))
        }
        func refuse(_ error: String, _ description: String) -> Result<(AuthorizationRequest, ClientApplication), AuthorizationRequestFailure> {
            .failure(.redirect(ConnectRedirect(uri: redirectURI, state: state, error: error, description: description)))
        }

        guard pushed || !application.requiresPushedAuthorizationRequests else {
            // RFC 9126 §5: parameters in the URL can be read and changed on their way.
            return refuse("invalid_request", "This application must push its authorization request to /oauth/par first.")
        }
        guard application.allows(GrantType.authorizationCode) else {
            return refuse("unauthorized_client", "This application is not registered for the authorization code grant.")
        }
        let permissions: [RequestedPermission]
        switch requestedPermissions(scope: query["scope"], of: application) {
        case .success(let requested): permissions = requested
        case .failure(let refusal): return refuse("invalid_scope", refusal.description)
        }

        let forceApproval: Bool
        switch query["approval_prompt"] ?? "auto" {
        case "auto": forceApproval = false
        case "force": forceApproval = true
        default: return refuse("invalid_request", "approval_prompt must be auto or force.")
        }
        guard let mode = ConnectMode(rawValue: query["mode"] ?? "live") else {
            return refuse("invalid_request", "mode must be live, test or simulated.")
        }
        guard modes.contains(mode) else {
            // Test and simulated logins accept any email: a production server turns them off.
            return refuse("invalid_request", "mode=\(mode.rawValue) is turned off on this server.")
        }
        var singleSelect: Bool
        switch query["single_select"] ?? "false" {
        case "true": singleSelect = true
        case "false": singleSelect = false
        default: return refuse("invalid_request", "single_select must be true or false.")
        }
        let singleSelectVIN = query["single_select_vin"]
        if singleSelectVIN != nil { singleSelect = true }

        let challenge = query["code_challenge"]
        let method = query["code_challenge_method"]
        if let method, method != PKCE.s256 {
            // RFC 9700 §2.1.1: plain offers no protection where S256 can be used.
            return refuse("invalid_request", "code_challenge_method must be S256.")
        }
        if let challenge {
            guard method == PKCE.s256 else { return refuse("invalid_request", "code_challenge needs code_challenge_method=S256.") }
            guard PKCE.isWellFormedS256Challenge(challenge) else {
                return refuse("invalid_request", "code_challenge must be 43 base64url characters (S256).")
            }
        } else if method != nil {
            return refuse("invalid_request", "code_challenge_method was sent without code_challenge.")
        } else if application.isPublic {
            return refuse("invalid_request", "A public application must send a PKCE code_challenge.")
        }

        let request = AuthorizationRequest(
            applicationID: id,
            redirectURI: redirectURI,
            redirectURIWasSent: query["redirect_uri"] != nil,
            state: state,
            permissions: permissions,
            forceApproval: forceApproval,
            mode: mode,
            make: query["make"].flatMap { $0.isEmpty ? nil : $0 },
            singleSelect: singleSelect,
            singleSelectVIN: singleSelectVIN,
            codeChallenge: challenge,
            deviceUserCodeDigest: nil
        )
        return .success((request, application))
    }

    /// Why a scope cannot be asked for (`invalid_scope`).
    public struct ScopeRefusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The permissions a Connect scope asks of `application`, in the order given, `required:`
    /// read off each; all the application's permissions, none required, when there is no scope.
    public static func requestedPermissions(scope: String?, of application: ClientApplication) -> Result<[RequestedPermission], ScopeRefusal> {
        guard let scope else { return .success(application.permissions.map { RequestedPermission(name: $0, required: false) }) }
        var permissions = [RequestedPermission]()
        for word in Permission.parseScope(scope) {
            let required = word.hasPrefix("required:")
            let name = required ? String(word.dropFirst("required:".count)) : word
            guard Permission.isKnown(name) else {
                return .failure(ScopeRefusal(description: OAuthError.quoting("Unknown permission", name)))
            }
            guard application.permissions.contains(name) else {
                return .failure(ScopeRefusal(description: OAuthError.quoting("Permission not allowed for this application", name)))
            }
            if let index = permissions.firstIndex(where: { $0.name == name }) {
                permissions[index].required = permissions[index].required || required
            } else {
                permissions.append(RequestedPermission(name: name, required: required))
            }
        }
        guard !permissions.isEmpty else { return .failure(ScopeRefusal(description: "The scope names no permission.")) }
        return .success(permissions)
    }
}
