import Foundation
import KeyfobCore

/// Which population of owners a Connect flow talks to (docs/contract.md §3 `mode`).
public enum ConnectMode: String, Sendable, CaseIterable, Codable {
    case live, test, simulated
}

/// A vehicle owner: the resource owner of RFC 6749, the `user` of Smartcar's API.
public struct Owner: Sendable, Equatable {
    /// The stable user id answered by `GET /v2.0/user`.
    public var id: UUID
    /// Login email, unique within a mode.
    public var email: String
    /// Bcrypt hash of the password (live owners only).
    public var passwordHash: String?
    /// The population this owner belongs to.
    public var mode: ConnectMode

    /// Makes an owner record.
    public init(id: UUID, email: String, passwordHash: String?, mode: ConnectMode) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.mode = mode
    }
}

/// A vehicle belonging to an owner.
public struct Vehicle: Sendable, Equatable, Codable {
    /// The stable vehicle id.
    public var id: UUID
    /// The owner's id.
    public var ownerID: UUID
    /// The brand, e.g. `TESLA`.
    public var make: String
    /// The model.
    public var model: String
    /// The model year.
    public var year: Int
    /// The VIN (test vehicles start with `0SC`).
    public var vin: String

    /// Makes a vehicle record.
    public init(id: UUID, ownerID: UUID, make: String, model: String, year: Int, vin: String) {
        self.id = id
        self.ownerID = ownerID
        self.make = make
        self.model = model
        self.year = year
        self.vin = vin
    }
}
