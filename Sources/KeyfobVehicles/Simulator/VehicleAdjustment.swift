import Foundation

/// An administrator's change to a simulated vehicle (`keyfob vehicles set`): each field set is
/// applied, the rest left as the vehicle's course has them.
public struct VehicleAdjustment: Sendable, Equatable {
    public var activity: VehicleActivity?
    public var battery: Double?
    public var fuel: Double?
    public var isPluggedIn: Bool?
    public var isLocked: Bool?
    public var location: Coordinate?
    public var odometerKm: Double?
    public var powertrain: Powertrain?

    /// No change.
    public init() {}

}

/// Why an adjustment cannot be made.
public struct VehicleAdjustmentError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
}

extension VehicleSimulation {
    /// The state after an administrator's change at `now`. Values keep their physics: the
    /// odometer never goes back, levels are 0–1, a car charges only plugged in and drives unplugged.
    public func adjusted(_ change: VehicleAdjustment, at now: Date) throws(VehicleAdjustmentError) -> VehicleState {
        var next = advanced(to: now)
        let before = next.powertrain ?? profile.powertrain
        if let powertrain = change.powertrain { next.powertrain = powertrain == profile.powertrain ? nil : powertrain }
        let powertrain = next.powertrain ?? profile.powertrain
        // A battery or tank the car did not have before starts 60 % full, not empty.
        if powertrain.hasBattery && !before.hasBattery { next.battery = 0.6 }
        if powertrain.hasTank && !before.hasTank { next.fuel = 0.6 }
        if let battery = change.battery {
            guard (0...1).contains(battery) else { throw .init(description: "--battery must be from 0 to 1, got \(battery)") }
            guard powertrain.hasBattery else { throw .init(description: "a \(powertrain.rawValue) vehicle has no traction battery") }
            next.battery = battery
        }
        if let fuel = change.fuel {
            guard (0...1).contains(fuel) else { throw .init(description: "--fuel must be from 0 to 1, got \(fuel)") }
            guard powertrain.hasTank else { throw .init(description: "a \(powertrain.rawValue) vehicle has no fuel tank") }
            next.fuel = fuel
        }
        if let odometer = change.odometerKm {
            guard odometer >= next.odometerKm else {
                throw .init(description: "the odometer only grows: it reads \(Int(next.odometerKm)) km, got \(odometer)")
            }
            next.odometerKm = odometer
        }
        if let location = change.location {
            guard (-90...90).contains(location.latitude), (-180...180).contains(location.longitude) else {
                throw .init(description: "--location must be LAT,LON within ±90 and ±180")
            }
            (next.latitude, next.longitude) = (location.latitude, location.longitude)
        }
        if let locked = change.isLocked { next.isLocked = locked }
        if let plugged = change.isPluggedIn {
            guard !plugged || powertrain.hasBattery else { throw .init(description: "a \(powertrain.rawValue) vehicle has no charging port") }
            next.isPluggedIn = plugged
            if !plugged && next.activity == .charging { next.activity = .parked }
        }
        if let activity = change.activity {
            switch activity {
            case .charging:
                guard powertrain.hasBattery else { throw .init(description: "a \(powertrain.rawValue) vehicle cannot charge") }
                guard change.isPluggedIn != false else { throw .init(description: "a vehicle charges only plugged in") }
                next.isPluggedIn = true
            case .driving:
                guard change.isPluggedIn != true else { throw .init(description: "a vehicle drives only unplugged") }
                next.isPluggedIn = false
            case .parked:
                break
            }
            next.activity = activity
        }
        if !powertrain.hasBattery { next.isPluggedIn = false }
        return next
    }
}
