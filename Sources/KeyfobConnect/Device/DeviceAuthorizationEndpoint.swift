import Foundation
import KeyfobCore

/// `POST /oauth/device_authorization` (RFC 8628 §3.1–3.2) apart from HTTP: checks what a device
/// asks for by Connect's rules (scope with `required:`, mode) and stores the new request.
public struct DeviceAuthorizationEndpoint: Sendable {
    let store: any DeviceAuthorizationStore
    let clock: any WallClock
    let random: any RandomSource
    /// The modes this server serves (`--connect-modes`).
    let modes: Set<ConnectMode>

    /// Makes the endpoint.
    public init(store: any DeviceAuthorizationStore, clock: any WallClock, random: any RandomSource, modes: Set<ConnectMode>) {
        self.store = store
        self.clock = clock
        self.random = random
        self.modes = modes
    }

    /// What the device is told (RFC 8628 §3.2); the page's URIs are the HTTP layer's to add.
    public struct Issued: Sendable, Equatable {
        public var deviceCode: String
        public var userCode: UserCode
        public var expiresIn: Int
        public var interval: Int
    }

    /// Issues codes for an authenticated `client`, or throws an `OAuthError`.
    public func respond(to request: TokenRequest, for client: ClientApplication) async throws -> Issued {
        guard client.allows(GrantType.deviceCode) else {
            throw OAuthError(.unauthorizedClient, "This application is not registered for the device authorization grant.")
        }
        let permissions: [AuthorizationRequest.RequestedPermission]
        switch AuthorizationRequest.requestedPermissions(scope: request.parameters["scope"], of: client) {
        case .success(let requested): permissions = requested
        case .failure(let refusal): throw OAuthError(.invalidScope, refusal.description)
        }
        guard let mode = ConnectMode(rawValue: request.parameters["mode"] ?? "live") else {
            throw OAuthError.invalidRequest("mode must be live, test or simulated.")
        }
        guard modes.contains(mode) else { throw OAuthError.invalidRequest("mode=\(mode.rawValue) is turned off on this server.") }

        let deviceCode = TokenText.random(using: random)
        let now = clock.now
        // A user code already stored (1 in 20^8 per live code) is drawn again rather than shared.
        for _ in 0..<4 {
            let userCode = UserCode.random(using: random)
            let record = DeviceAuthorization(
                deviceCodeDigest: .of(deviceCode),
                userCodeDigest: userCode.digest,
                userCodeGroupDigest: userCode.groupDigest,
                applicationID: client.id,
                scope: permissions.map { $0.required ? "required:" + $0.name : $0.name },
                mode: mode.rawValue,
                interval: DeviceCodeRule.interval,
                expiresAt: now + DeviceCodeRule.lifetime
            )
            if try await store.insertDeviceAuthorization(record) {
                return Issued(deviceCode: deviceCode, userCode: userCode, expiresIn: Int(DeviceCodeRule.lifetime), interval: DeviceCodeRule.interval)
            }
        }
        throw OAuthError.storeUnavailable(detail: "four user codes in a row were taken")
    }
}
