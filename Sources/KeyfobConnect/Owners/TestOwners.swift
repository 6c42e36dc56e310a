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

    /// One mock vehicle, derived from the owner id and its position. Its VIN names its catalogue
    /// entry in the fourth character, so the VIN alone tells make, model and powertrain (what
    /// `GET /v2.0/compatibility` and the simulator read).
    public static func mockVehicle(ownerID: UUID, index: Int) -> Vehicle {
        let seed = Array(SHA256.hash(data: Data("keyfob-vehicle:\(ownerID.lowercasedText):\(index)".utf8)))
        let entry = Int(seed[16]) % catalogue.count
        let vin = "0SC" + String(vinAlphabet[entry]) + String(seed[17..<30].map { vinAlphabet[Int($0) % vinAlphabet.count] })
        return Vehicle(
            id: UUIDText.versionFour(from: seed[0..<16]).uuid,
            ownerID: ownerID,
            make: catalogue[entry].make,
            model: catalogue[entry].model,
            year: 2017 + Int(seed[31]) % 9,
            vin: vin
        )
    }

    /// A fresh test VIN for a make and model of the catalogue (case-insensitive), so a vehicle
    /// added without a VIN gets the powertrain its model has; nil for a model not in it.
    public static func vin(make: String, model: String, using random: any RandomSource = SystemRandomSource()) -> String? {
        guard let index = catalogue.firstIndex(where: { $0.make.lowercased() == make.lowercased() && $0.model.lowercased() == model.lowercased() })
        else { return nil }
        return vin(catalogueEntry: index, using: random)
    }

    /// A fresh test VIN of catalogue entry `index`: `0SC`, the entry's character, 13 random ones.
    public static func vin(catalogueEntry index: Int, using random: any RandomSource = SystemRandomSource()) -> String {
        "0SC" + String(vinAlphabet[index]) + String(random.bytes(13).map { vinAlphabet[Int($0) % vinAlphabet.count] })
    }

    /// The catalogue entry a test VIN (`0SC…`) names, nil for any other VIN.
    public static func catalogueEntry(vin: String) -> CatalogueEntry? {
        let characters = Array(vin.uppercased())
        guard characters.count == 17, vin.uppercased().hasPrefix("0SC"), let index = vinAlphabet.firstIndex(of: characters[3]),
            index < catalogue.count
        else { return nil }
        return catalogue[index]
    }

    /// A make and model of the mock fleet, with its powertrain (`BEV`, `PHEV` or `ICE`).
    public struct CatalogueEntry: Sendable, Equatable {
        public var make: String
        public var model: String
        public var powertrain: String
    }

    /// The mock fleet: mostly electric, as Smartcar's test vehicles are, with hybrids and
    /// combustion cars so that fuel and the calls they cannot answer can be tried too.
    public static let catalogue: [CatalogueEntry] = [
        ("TESLA", "Model 3", "BEV"), ("TESLA", "Model Y", "BEV"), ("FORD", "Mustang Mach-E", "BEV"), ("BMW", "i4", "BEV"),
        ("AUDI", "e-tron", "BEV"), ("CHEVROLET", "Bolt EV", "BEV"), ("HYUNDAI", "Ioniq 5", "BEV"), ("KIA", "EV6", "BEV"),
        ("NISSAN", "Leaf", "BEV"), ("VOLKSWAGEN", "ID.4", "BEV"), ("TOYOTA", "RAV4 Prime", "PHEV"), ("RIVIAN", "R1T", "BEV"),
        ("JEEP", "Wrangler 4xe", "PHEV"), ("FORD", "F-150", "ICE"), ("TOYOTA", "Camry", "ICE"), ("HONDA", "Civic", "ICE"),
    ].map { CatalogueEntry(make: $0.0, model: $0.1, powertrain: $0.2) }

    /// VIN characters (ISO 3779: no I, O or Q).
    static let vinAlphabet = Array("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")

    private static func stableID(_ parts: String...) -> UUID {
        UUIDText.versionFour(from: SHA256.hash(data: Data(("keyfob-test:" + parts.joined(separator: ":")).utf8)).prefix(16)).uuid
    }
}

extension String {
    /// A UUID string this module made itself, parsed back.
    fileprivate var uuid: UUID { UUID(text: self)! }
}
