import Crypto
import Foundation
import KeyfobCore

/// The owners of `test` and `simulated` mode: any email and password log in, and the same email
/// always gives the same user id and the same mock vehicles (docs/contract.md §3).
public enum TestOwners {
    /// Smartcar's documented special logins.
    public static let incompatibleEmail = "smartcar@vehicle-incompatible.com"
    public static let invalidSubscriptionEmail = "smartcar@invalid-subscription.com"

    /// The number of vehicles an email gets: `<n>-vehicles@…` gives n (0–999), anything else 3.
    public static func vehicleCount(for email: String) -> Int {
        let local = email.lowercased().split(separator: "@").first ?? ""
        guard local.hasSuffix("-vehicles"), let n = Int(local.dropLast("-vehicles".count)), (0...999).contains(n) else { return 3 }
        return n
    }

    /// The stable owner record for an email in a mode.
    public static func owner(email: String, mode: ConnectMode) -> Owner {
        Owner(id: stableID("owner", mode.rawValue, email.lowercased()), email: email, passwordHash: nil, mode: mode)
    }

    /// The stable mock vehicles for an owner.
    public static func vehicles(for owner: Owner) -> [Vehicle] {
        (0..<vehicleCount(for: owner.email)).map { mockVehicle(ownerID: owner.id, index: $0) }
    }

    /// One mock vehicle, derived from the owner id and its position.
    public static func mockVehicle(ownerID: UUID, index: Int) -> Vehicle {
        let seed = Array(SHA256.hash(data: Data("keyfob-vehicle:\(ownerID.lowercasedText):\(index)".utf8)))
        let (make, model) = catalogue[Int(seed[16]) % catalogue.count]
        let alphabet = Array("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
        let vin = "0SC" + String(seed[17..<31].map { alphabet[Int($0) % alphabet.count] })
        return Vehicle(
            id: UUIDText.versionFour(from: seed[0..<16]).uuid,
            ownerID: ownerID,
            make: make,
            model: model,
            year: 2017 + Int(seed[31]) % 9,
            vin: vin
        )
    }

    static let catalogue = [
        ("TESLA", "Model 3"), ("TESLA", "Model Y"), ("FORD", "Mustang Mach-E"), ("BMW", "i4"), ("AUDI", "e-tron"),
        ("CHEVROLET", "Bolt EV"), ("HYUNDAI", "Ioniq 5"), ("KIA", "EV6"), ("NISSAN", "Leaf"), ("VOLKSWAGEN", "ID.4"),
        ("TOYOTA", "RAV4 Prime"), ("RIVIAN", "R1T"),
    ]

    private static func stableID(_ parts: String...) -> UUID {
        UUIDText.versionFour(from: SHA256.hash(data: Data(("keyfob-test:" + parts.joined(separator: ":")).utf8)).prefix(16)).uuid
    }
}

extension String {
    /// A UUID string this module made itself, parsed back.
    fileprivate var uuid: UUID { UUID(text: self)! }
}
