import Foundation

/// The device authorization grant (RFC 8628), for an app running on the car itself: ask for a
/// code to show, then poll until the owner has approved it on their phone.
extension AuthClient {
    /// What the device shows and how it polls (RFC 8628 §3.2).
    public struct DeviceCode: Sendable, Equatable, Decodable {
        /// What the device polls with; never shown.
        public var deviceCode: String
        /// What the owner types, `XXXX-XXXX`.
        public var userCode: String
        /// The page the owner opens.
        public var verificationURI: String
        /// The page with the code filled in (for a QR code).
        public var verificationURIComplete: String?
        /// Seconds until the codes expire.
        public var expiresIn: Int
        /// Seconds to wait between polls.
        public var interval: Int

        enum CodingKeys: String, CodingKey {
            case deviceCode = "device_code"
            case userCode = "user_code"
            case verificationURI = "verification_uri"
            case verificationURIComplete = "verification_uri_complete"
            case expiresIn = "expires_in"
            case interval
        }
    }

    /// `POST /oauth/device_authorization`: codes for the permissions in `scope` (Connect's words,
    /// `required:` allowed).
    public func requestDeviceCode(scope: [String]) async throws -> DeviceCode {
        var form = [("mode", mode.rawValue)]
        if !scope.isEmpty { form.append(("scope", scope.joined(separator: " "))) }
        let answer = try await post(form, to: origins.deviceAuthorizationURL)
        guard answer.status == 200 else {
            throw KeyfobClientError.oauth(status: answer.status, body: answer.body, retryAfter: answer.retryAfter)
        }
        do {
            return try JSONDecoder().decode(DeviceCode.self, from: answer.body)
        } catch {
            throw KeyfobClientError.unexpectedResponse(status: 200, body: String(decoding: answer.body.prefix(512), as: UTF8.self))
        }
    }

    /// Polls the token endpoint until the owner decides, waiting `interval` between polls and 5 s
    /// more after each `slow_down` (RFC 8628 §3.5). Returns the pair once approved; throws the
    /// server's `access_denied` or `expired_token` (or any other error) as `KeyfobClientError.oauth`.
    /// `sleep` is how it waits (a test passes one that advances a clock).
    public func pollDeviceToken(
        _ code: DeviceCode,
        sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) async throws -> Access {
        var interval = code.interval
        while true {
            try await sleep(.seconds(interval))
            do {
                return try await token([("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", code.deviceCode)])
            } catch KeyfobClientError.oauth(let failure) where failure.code == "authorization_pending" {
                continue
            } catch KeyfobClientError.oauth(let failure) where failure.code == "slow_down" {
                interval += 5
            }
        }
    }
}
