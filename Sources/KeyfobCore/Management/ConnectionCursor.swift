import Crypto
import Foundation

/// The Management API's `paging.cursor`: the last connection of a page and the query it belongs
/// to, signed with the deployment's key. Opaque to apps; a cursor that was altered, or that
/// another app or another query's filters present, is refused rather than read (docs/contract.md
/// §8). Keyset paging: the next page starts strictly after the last connection in the listing's
/// order, so connections made while an app pages (newer, so earlier in the order) neither shift
/// nor repeat the pages after.
public struct ConnectionCursor: Sendable {
    /// Made once; never changed after `init`, only read.
    private let key: SymmetricKey

    /// `keyBytes`: the per-deployment key every instance shares, so any instance reads any cursor.
    public init(keyBytes: Data) { key = SymmetricKey(data: keyBytes) }

    /// What a cursor is bound to.
    public struct Query: Sendable, Equatable {
        public var applicationID: UUID
        public var userID: UUID?
        public var vehicleID: UUID?

        public init(applicationID: UUID, userID: UUID?, vehicleID: UUID?) {
            self.applicationID = applicationID
            self.userID = userID
            self.vehicleID = vehicleID
        }
    }

    /// The cursor that continues `query` after `last`.
    public func make(after last: Connection, for query: Query) -> String {
        let payload = Self.payload(after: last, for: query)
        return Data(payload.utf8).base64URLEncodedString() + "." + mac(payload).base64URLEncodedString()
    }

    /// The connection the cursor continues after, or nil when it was not made by this deployment
    /// for exactly this query.
    public func last(in cursor: String, for query: Query) -> Connection? {
        let parts = cursor.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payloadData = Data(base64URLEncoded: String(parts[0])),
            let presented = Data(base64URLEncoded: String(parts[1])),
            let payload = String(data: payloadData, encoding: .utf8)
        else { return nil }
        guard SecretDigest(bytes: presented).constantTimeEquals(SecretDigest(bytes: mac(payload))) else { return nil }
        let fields = payload.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 7, fields[0] == "v1", fields[1] == query.applicationID.uuidString,
            fields[2] == (query.userID?.uuidString ?? ""), fields[3] == (query.vehicleID?.uuidString ?? ""),
            let bits = UInt64(fields[4]), let vehicle = UUID(uuidString: fields[5]), let user = UUID(uuidString: fields[6])
        else { return nil }
        return Connection(vehicleID: vehicle, userID: user, connectedAt: Date(timeIntervalSinceReferenceDate: Double(bitPattern: bits)))
    }

    private static func payload(after last: Connection, for query: Query) -> String {
        [
            "v1", query.applicationID.uuidString, query.userID?.uuidString ?? "", query.vehicleID?.uuidString ?? "",
            // The exact double `Date` holds (since 2001: converting to 1970 and back can move it
            // by a bit), so the next page starts exactly after it.
            String(last.connectedAt.timeIntervalSinceReferenceDate.bitPattern), last.vehicleID.uuidString, last.userID.uuidString,
        ].joined(separator: "|")
    }

    private func mac(_ payload: String) -> Data {
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: Array("keyfob-connections-cursor-v1:".utf8))
        hmac.update(data: Array(payload.utf8))
        return Data(hmac.finalize())
    }
}

extension Data {
    /// Reads base64url without padding (RFC 4648 §5).
    package init?(base64URLEncoded text: String) {
        // Byte by byte: every DPoP proof and JWT header goes through here, and Character
        // properties with `replacingOccurrences` cost more than the JSON decode after it.
        var base64 = [UInt8]()
        base64.reserveCapacity(text.utf8.count + 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                base64.append(byte)
            case UInt8(ascii: "-"): base64.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): base64.append(UInt8(ascii: "/"))
            default: return nil
            }
        }
        base64.append(contentsOf: repeatElement(UInt8(ascii: "="), count: (4 - base64.count % 4) % 4))
        self.init(base64Encoded: Data(base64))
    }
}
