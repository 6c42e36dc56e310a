import Foundation

/// A device authorization request (RFC 8628 §3.1–3.2) and what has become of it. Only digests of
/// the device code and the user code are stored.
public struct DeviceAuthorization: Sendable, Equatable {
    /// Where the request stands.
    public enum Status: Sendable, Equatable {
        /// Waiting for the owner.
        case pending
        /// The owner allowed it; the consent is written, the tokens not yet issued.
        case approved(consentID: UUID)
        /// The owner said no (or the flow ended without a grant).
        case denied
        /// The device received its token pair; the device code is spent.
        case issued
    }

    /// SHA-256 of the device code (a token text, polled with by the device).
    public var deviceCodeDigest: SecretDigest
    /// `UserCode.digest`: the code the owner types.
    public var userCodeDigest: SecretDigest
    /// `UserCode.groupDigest`: what a wrong guess can be counted against.
    public var userCodeGroupDigest: SecretDigest
    /// The client that asked.
    public var applicationID: UUID
    /// The permissions asked for, as Connect reads a scope (`required:` kept).
    public var scope: [String]
    /// Which owners may approve: live, test or simulated (Connect's modes).
    public var mode: String
    /// Where it stands.
    public var status: Status
    /// Seconds the device must wait between polls; grows with each `slow_down`.
    public var interval: Int
    /// When the device last polled.
    public var lastPolledAt: Date?
    /// Ten minutes after the request, or earlier once burnt by wrong guesses.
    public var expiresAt: Date

    /// Makes a record.
    public init(
        deviceCodeDigest: SecretDigest,
        userCodeDigest: SecretDigest,
        userCodeGroupDigest: SecretDigest,
        applicationID: UUID,
        scope: [String],
        mode: String,
        status: Status = .pending,
        interval: Int,
        lastPolledAt: Date? = nil,
        expiresAt: Date
    ) {
        self.deviceCodeDigest = deviceCodeDigest
        self.userCodeDigest = userCodeDigest
        self.userCodeGroupDigest = userCodeGroupDigest
        self.applicationID = applicationID
        self.scope = scope
        self.mode = mode
        self.status = status
        self.interval = interval
        self.lastPolledAt = lastPolledAt
        self.expiresAt = expiresAt
    }
}

extension DeviceAuthorization.Status {
    /// The name a store keeps in its status column.
    public var storedName: String {
        switch self {
        case .pending: "pending"
        case .approved: "approved"
        case .denied: "denied"
        case .issued: "issued"
        }
    }

    /// The status a store's columns describe; nil for a name no version of Keyfob writes.
    public init?(storedName: String, consentID: UUID?) {
        switch (storedName, consentID) {
        case ("pending", _): self = .pending
        case ("approved", let consentID?): self = .approved(consentID: consentID)
        case ("denied", _): self = .denied
        case ("issued", _): self = .issued
        default: return nil
        }
    }

    /// The consent an approval recorded.
    public var consentID: UUID? {
        if case .approved(let consentID) = self { return consentID }
        return nil
    }
}
