import Foundation
import KeyfobCore

/// Parses the CLI's `"MAKE MODEL YEAR [VIN]"` vehicle descriptions; the model may contain spaces
/// ("Tesla Model 3 2021").
public enum VehicleSpec {
    /// A parsed description.
    public struct Parsed: Sendable, Equatable {
        /// The brand, e.g. `Tesla`.
        public var make: String
        /// The model; may contain spaces.
        public var model: String
        /// The model year.
        public var year: Int
        /// The VIN, when given (uppercased).
        public var vin: String?
    }

    /// Parses a description, or explains what is wrong with it.
    public static func parse(_ text: String) -> Result<Parsed, VehicleSpecError> {
        let words = text.split(separator: " ").map(String.init)
        // The year is the last four-digit word in range; a VIN may follow it.
        guard let yearIndex = words.lastIndex(where: { $0.count == 4 && Int($0).map { (1886...2100).contains($0) } == true }),
            yearIndex >= 2, words.count - yearIndex <= 2
        else {
            return .failure(VehicleSpecError(description: "expected \"MAKE MODEL YEAR [VIN]\", got \"\(text.prefix(100))\""))
        }
        let vin = yearIndex + 1 < words.count ? words[yearIndex + 1].uppercased() : nil
        if let vin, !isWellFormedVIN(vin) {
            return .failure(VehicleSpecError(description: "VIN \(vin.prefix(40)) must be 17 characters of A-Z and 0-9 without I, O, Q"))
        }
        return .success(
            Parsed(
                make: words[0],
                model: words[1..<yearIndex].joined(separator: " "),
                year: Int(words[yearIndex])!,
                vin: vin
            )
        )
    }

    /// ISO 3779: 17 characters, digits and capitals except I, O and Q.
    public static func isWellFormedVIN(_ vin: String) -> Bool {
        vin.count == 17 && vin.allSatisfy { vinAlphabet.contains($0) }
    }

    /// A random well-formed VIN with the given prefix.
    public static func randomVIN(prefix: String = "", using random: any RandomSource = SystemRandomSource()) -> String {
        let alphabet = Array(vinAlphabet)
        let tail = random.bytes(17 - prefix.count).map { alphabet[Int($0) % alphabet.count] }
        return prefix + String(tail)
    }

    private static let vinAlphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
}

/// A vehicle description that could not be parsed.
public struct VehicleSpecError: Error, CustomStringConvertible, Sendable {
    /// What is wrong with the description.
    public var description: String
}
