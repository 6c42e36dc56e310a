import Crypto
import Foundation

/// Server nonces for DPoP proofs (RFC 9449 §8), which every instance can check without sharing
/// state: a nonce is a five-minute window's number with a MAC under a key derived from the
/// deployment's rotation key. One from the current or the previous window is accepted, so a
/// nonce handed out just before a window ends still works for at least five minutes.
public struct DPoPNonces: Sendable {
    /// Derived once, at `init`.
    private let key: SymmetricKey
    /// The length of one window.
    public static let window: TimeInterval = 300

    /// Derives the nonce key from the deployment's key bytes.
    public init(deploymentKey: Data) {
        var mac = HMAC<SHA256>(key: SymmetricKey(data: deploymentKey))
        mac.update(data: Array("keyfob-dpop-nonce-v1".utf8))
        key = SymmetricKey(data: Data(mac.finalize()))
    }

    /// The nonce to hand out at `now`.
    public func current(at now: Date) -> String {
        nonce(forWindow: Self.windowNumber(now))
    }

    /// Whether `nonce` was handed out in this window or the one before.
    public func accepts(_ nonce: String, at now: Date) -> Bool {
        // A plain comparison: a nonce is handed to anyone who asks, so timing reveals nothing.
        let window = Self.windowNumber(now)
        return nonce == self.nonce(forWindow: window) || nonce == self.nonce(forWindow: window - 1)
    }

    private func nonce(forWindow window: Int64) -> String {
        var number = window.bigEndian
        let bytes = withUnsafeBytes(of: &number) { Data($0) }
        let tag = Data(HMAC<SHA256>.authenticationCode(for: bytes, using: key)).prefix(16)
        return (bytes + tag).base64URLEncodedString()
    }

    private static func windowNumber(_ now: Date) -> Int64 {
        Int64((now.timeIntervalSince1970 / window).rounded(.down))
    }
}
