/// What every grant needs besides the request and its own stores: time, randomness and lifetimes.
/// A grant takes the stores it needs at `init`, so one that keeps records of its own (a device
/// code, a pushed request) asks for exactly that store.
public struct GrantContext: Sendable {
    /// The time.
    public var clock: any WallClock
    /// Randomness for new tokens.
    public var random: any RandomSource
    /// Lifetimes.
    public var policy: TokenPolicy
    /// The key refresh successors are derived with.
    public var rotationKey: RotationKey

    /// Bundles the grant dependencies.
    public init(clock: any WallClock, random: any RandomSource, policy: TokenPolicy, rotationKey: RotationKey) {
        self.clock = clock
        self.random = random
        self.policy = policy
        self.rotationKey = rotationKey
    }
}

/// One `grant_type` of the token endpoint (RFC 6749 §4–6). Each grant validates its own parameters
/// and builds its own answer; the endpoint only authenticates the client and dispatches.
public protocol TokenGrant: Sendable {
    /// The `grant_type` value this grant answers.
    var grantType: String { get }
    /// Issues tokens for an authenticated client, or throws an `OAuthError`.
    func respond(to request: TokenRequest, for client: ClientApplication, in context: GrantContext) async throws -> TokenResponse
}
