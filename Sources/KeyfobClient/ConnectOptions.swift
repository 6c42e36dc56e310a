/// The Connect options of docs/contract.md §3 that an app chooses per authorization URL.
public struct ConnectOptions: Sendable, Equatable {
    /// Echoed back on the redirect; use it against CSRF.
    public var state: String?
    /// Always show the grant screen (`approval_prompt=force`).
    public var forcePrompt = false
    /// Preselect a brand (`make`).
    public var make: String?
    /// Let the owner pick one vehicle, or only the one with this VIN.
    public var singleSelect: SingleSelect?
    /// Feature flags, sent as `flags=key:value key2:value2`.
    public var flags: [String: String] = [:]
    /// A developer-defined owner id for analytics (`user`).
    public var user: String?
    /// A PKCE challenge (S256), from `PKCEPair`.
    public var codeChallenge: String?

    /// Single-select behaviour.
    public enum SingleSelect: Sendable, Equatable {
        /// One vehicle, any of the owner's.
        case any
        /// Only the vehicle with this VIN.
        case vin(String)
    }

    /// No options.
    public init(
        state: String? = nil,
        forcePrompt: Bool = false,
        make: String? = nil,
        singleSelect: SingleSelect? = nil,
        flags: [String: String] = [:],
        user: String? = nil,
        codeChallenge: String? = nil
    ) {
        self.state = state
        self.forcePrompt = forcePrompt
        self.make = make
        self.singleSelect = singleSelect
        self.flags = flags
        self.user = user
        self.codeChallenge = codeChallenge
    }
}
