/// The short code an owner types on the verification page (RFC 8628 §6.1): eight letters from
/// twenty consonants, shown as `XXXX-XXXX`, compared case- and dash-blind.
///
/// Only digests are stored. The code's first four letters (its group) have a digest of their own:
/// a wrong entry that shares a live code's group counts against that code, which is burnt after
/// `DeviceCodeRule.wrongGuessesBeforeBurn` of them (docs/decisions.md gives the arithmetic).
public struct UserCode: Sendable, Equatable {
    /// No vowels, so no word can be spelt by accident; no digits, so nothing reads as another letter.
    public static let alphabet = Array("BCDFGHJKLMNPQRSTVWXZ")
    /// Letters in a code.
    public static let length = 8

    /// The eight letters, uppercase, without the dash.
    public let letters: String

    /// Why a typed code is not one a device could have shown.
    public enum Malformed: Error, Sendable, Equatable {
        case wrongLength
        case wrongCharacters
    }

    /// A fresh code from the random source.
    public static func random(using random: any RandomSource) -> UserCode {
        var letters = ""
        while letters.count < length {
            // 240 is the largest multiple of 20 below 256: rejecting the rest keeps every letter
            // equally likely.
            for byte in random.bytes(length * 2) where byte < 240 && letters.count < length {
                letters.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return UserCode(letters: letters)
    }

    private init(letters: String) { self.letters = letters }

    /// Reads what an owner typed: case is ignored, and dashes and spaces are dropped.
    public static func parse(_ typed: String) throws(Malformed) -> UserCode {
        let kept = typed.uppercased().filter { $0 != "-" && $0 != " " }
        guard kept.count == length else { throw .wrongLength }
        guard kept.allSatisfy({ alphabet.contains($0) }) else { throw .wrongCharacters }
        return UserCode(letters: kept)
    }

    /// `XXXX-XXXX`, as the device shows it.
    public var display: String { "\(letters.prefix(4))-\(letters.suffix(4))" }

    /// What the store keeps of the code.
    public var digest: SecretDigest { .of("user_code:" + letters) }

    /// What the store keeps of the code's first four letters.
    public var groupDigest: SecretDigest { .of("user_code_group:" + letters.prefix(4)) }
}
