import Foundation
import KeyfobConnect
import KeyfobCore
import KeyfobServer

/// Registered applications, owners and codes made through the real store, the way Connect and the
/// CLI make them.
public struct Fixtures: Sendable {
    public let store: any Store
    public let clock: any WallClock

    public init(store: any Store, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    public static let redirectURI = "https://client.example.com/cb"

    /// A registered application and its secret.
    public struct App: Sendable {
        public let id: String
        public let secret: String
        public let application: ClientApplication
        public var basic: (String, String) { TestHTTP.basic(id, secret) }
    }

    /// Registers an application.
    public func app(
        name: String = "Test App",
        redirectURIs: [String] = [redirectURI],
        permissions: [String]? = nil,
        isPublic: Bool = false,
        grantTypes: [String]? = nil,
        requiresPAR: Bool = false,
        requiresDPoP: Bool = false,
        accessTokenFormat: AccessTokenFormat = .opaque
    ) async throws -> App {
        let registered = try await ApplicationRegistrar(store: store, clock: clock).register(
            name: name,
            redirectURIs: redirectURIs,
            permissions: permissions,
            isPublic: isPublic,
            grantTypes: grantTypes,
            requiresPushedAuthorizationRequests: requiresPAR,
            requiresDPoP: requiresDPoP,
            accessTokenFormat: accessTokenFormat
        )
        return App(id: registered.application.id.uuidString.lowercased(), secret: registered.secret ?? "", application: registered.application)
    }

    /// A live owner (stored with their vehicles, as `keyfob owners add` makes them) with
    /// `vehicleCount` vehicles.
    /// `vins` fixes their VINs (and so their powertrains: `Fixtures.vin(catalogueEntry:)`).
    public func owner(vehicleCount: Int = 2, vins: [String]? = nil) async throws -> (Owner, [Vehicle]) {
        let owner = Owner(id: UUID(), email: "owner-\(UUID().uuidString.prefix(8))@example.com", passwordHash: nil, mode: .live)
        let vehicles = (0..<(vins?.count ?? vehicleCount)).map { index in
            Vehicle(
                id: UUID(),
                ownerID: owner.id,
                make: "TESLA",
                model: "Model \(index)",
                year: 2020 + index,
                // Catalogue entry 0 (a battery EV) unless the test names the VIN.
                vin: vins?[index] ?? Self.vin(catalogueEntry: 0)
            )
        }
        try await store.insertOwner(owner, vehicles: vehicles)
        return (owner, vehicles)
    }

    /// Codes for `app`, granted by a new owner; the grant is returned for checks.
    public func codes(
        for app: App,
        count: Int = 1,
        permissions: [String] = ["read_vehicle_info", "read_odometer"],
        redirectURI: String = redirectURI,
        redirectURIWasSent: Bool = true,
        codeChallenge: String? = nil,
        vins: [String]? = nil
    ) async throws -> (codes: [String], grant: Consent, vehicles: [Vehicle]) {
        let (owner, vehicles) = try await owner(vins: vins)
        let grant = Consent(
            id: UUID(),
            applicationID: app.application.id,
            ownerID: owner.id,
            permissions: permissions,
            vehicleIDs: vehicles.map(\.id),
            createdAt: clock.now
        )
        let codes = try await CodeIssuer(store: store, clock: clock).issue(
            grant,
            binding: .init(redirectURI: redirectURI, redirectURIWasSent: redirectURIWasSent, codeChallenge: codeChallenge),
            count: count
        )
        return (codes, grant, vehicles)
    }

    /// One code.
    public func code(for app: App, codeChallenge: String? = nil, redirectURIWasSent: Bool = true) async throws -> String {
        try await codes(for: app, redirectURIWasSent: redirectURIWasSent, codeChallenge: codeChallenge).codes[0]
    }
}

extension Fixtures {
    /// A fresh test VIN of the mock catalogue's entry `index`, whose fourth character names it
    /// (`TestOwners.catalogue`: 0 is a Tesla Model 3, a BEV; 10 a RAV4 Prime, a PHEV; 13 an
    /// F-150, combustion).
    public static func vin(catalogueEntry index: Int) -> String { TestOwners.vin(catalogueEntry: index) }

    public static let bev = 0
    public static let phev = 10
    public static let ice = 13
}

extension TestServer {
    /// Fixtures over this server's store and clock.
    public var fixtures: Fixtures { Fixtures(store: store, clock: clock) }
}
