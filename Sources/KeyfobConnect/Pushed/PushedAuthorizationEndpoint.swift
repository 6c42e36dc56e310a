import Foundation
import KeyfobCore

/// `POST /oauth/par` (RFC 9126) apart from HTTP: validates the authorize parameters an
/// authenticated client pushes, by the rules a link to `/oauth/authorize` meets, and keeps them
/// for the browser's visit.
public struct PushedAuthorizationEndpoint: Sendable {
    let store: any PushedRequestStore
    let clock: any WallClock
    let random: any RandomSource
    /// The modes this server serves (`--connect-modes`).
    let modes: Set<ConnectMode>

    /// How long a request_uri works: long enough for a redirect, short enough that a leaked one
    /// is soon worthless (RFC 9126 §2.2 suggests 5 to 600 seconds).
    public static let lifetime: TimeInterval = 60
    /// RFC 9126 §2.2's URN namespace; the rest of the URI is a random reference.
    public static let requestURIPrefix = "urn:ietf:params:oauth:request_uri:"

    /// Makes the endpoint.
    public init(store: any PushedRequestStore, clock: any WallClock, random: any RandomSource, modes: Set<ConnectMode>) {
        self.store = store
        self.clock = clock
        self.random = random
        self.modes = modes
    }

    /// What the client is told (RFC 9126 §2.2).
    public struct Pushed: Sendable, Equatable {
        public var requestURI: String
        public var expiresIn: Int
    }

    /// Stores the request of an authenticated `client`, or throws the `OAuthError` a link with
    /// the same parameters would have been redirected with.
    public func respond(to request: TokenRequest, for client: ClientApplication) async throws -> Pushed {
        var parameters = request.parameters
        guard parameters["request_uri"] == nil else {
            // RFC 9126 §2.1: a pushed request cannot point at another.
            throw OAuthError.invalidRequest("request_uri must not be sent to the pushed authorization request endpoint.")
        }
        // The client is the one that authenticated; a body client_id naming another was refused
        // with the credentials.
        parameters["client_id"] = client.id.lowercasedText
        parameters["application_id"] = nil
        parameters["client_secret"] = nil
        let validated = try await AuthorizationRequest.validate(parameters, modes: modes, pushed: true) { id in
            id == client.id ? client : nil
        }
        let authorization: AuthorizationRequest
        switch validated {
        case .success(let (validRequest, _)):
            authorization = validRequest
        case .failure(.page(let message)):
            throw OAuthError.invalidRequest(message)
        case .failure(.redirect(let redirect)):
            throw OAuthError(
                OAuthError.Code(rawValue: redirect.parameter("error") ?? "invalid_request"),
                redirect.parameter("error_description") ?? "The request was refused."
            )
        }
        let reference = TokenText.random(using: random)
        try await store.insertPushedRequest(
            PushedAuthorizationRequest(
                digest: .of(reference),
                applicationID: client.id,
                request: authorization,
                expiresAt: clock.now + Self.lifetime
            )
        )
        return Pushed(requestURI: Self.requestURIPrefix + reference, expiresIn: Int(Self.lifetime))
    }

    /// The reference a request_uri carries, or nil when it is not one of this server's.
    static func reference(in requestURI: String) -> String? {
        guard requestURI.hasPrefix(requestURIPrefix) else { return nil }
        let reference = String(requestURI.dropFirst(requestURIPrefix.count))
        return TokenText.isWellFormed(reference) ? reference : nil
    }
}
