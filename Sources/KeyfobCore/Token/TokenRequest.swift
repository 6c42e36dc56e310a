/// A token request as plain values: the HTTP layer has already checked the framing (method,
/// content type, User-Agent, form encoding, repeated parameters) and decoded the credentials.
public struct TokenRequest: Sendable {
    /// Form parameters with a value; RFC 6749 §3.1 treats an empty value as absent.
    public var parameters: [String: String]
    /// The client's credentials, however presented; nil when none were.
    public var client: PresentedClient?
    /// The request's DPoP proof (RFC 9449), already checked; nil when it carried none. The
    /// tokens issued are bound to its key.
    public var proof: DPoPProof?

    /// Makes a request.
    public init(parameters: [String: String], client: PresentedClient?, proof: DPoPProof? = nil) {
        self.parameters = parameters
        self.client = client
        self.proof = proof
    }

    /// The key the tokens are bound to, if the request proved one.
    public var boundKey: String? { proof?.thumbprint }

    /// A parameter the grant cannot do without.
    public func required(_ name: String) throws(OAuthError) -> String {
        guard let value = parameters[name] else { throw .invalidRequest("Missing required parameter: \(name).") }
        return value
    }
}

/// Client credentials as presented (RFC 6749 §2.3.1).
public struct PresentedClient: Sendable, Equatable {
    /// How the credentials arrived; a 401 after Basic carries a Basic challenge.
    public enum Method: Sendable, Equatable {
        /// `Authorization: Basic` (client_secret_basic).
        case basic
        /// `client_id` and `client_secret` in the form body (client_secret_post).
        case post
        /// `client_id` only: a public client.
        case none
    }

    /// The presented client id.
    public var clientID: String
    /// The presented secret; nil for a public client.
    public var secret: String?
    /// How the credentials were presented.
    public var method: Method

    /// Makes a credential value.
    public init(clientID: String, secret: String?, method: Method) {
        self.clientID = clientID
        self.secret = secret
        self.method = method
    }

    /// Combines the Basic header's credentials with the body's `client_id` and `client_secret` by
    /// docs/contract.md §2: one method only; a body `client_id` beside Basic must name the same client.
    public static func resolve(
        basic: (clientID: String, secret: String)?,
        bodyClientID: String?,
        bodySecret: String?
    ) throws(OAuthError) -> PresentedClient? {
        if let basic {
            guard bodySecret == nil else {
                throw .invalidRequest("Use one client authentication method: Basic or client_secret in the body, not both.")
            }
            if let bodyClientID, bodyClientID != basic.clientID {
                throw .invalidClient("The client_id in the body does not match the Basic credentials.", basicAttempted: true)
            }
            return PresentedClient(clientID: basic.clientID, secret: basic.secret, method: .basic)
        }
        guard let bodyClientID else {
            if bodySecret != nil { throw .invalidRequest("client_secret was sent without client_id.") }
            return nil
        }
        return PresentedClient(clientID: bodyClientID, secret: bodySecret, method: bodySecret == nil ? .none : .post)
    }
}
