import Foundation

/// The simulator's rules, pure and clock-driven: where a vehicle's values stand at a moment, and
/// what a command or an administrator's change does to its state. No HTTP, no storage, no clock of
/// its own: time comes in as an argument, so tests step it instead of sleeping.
public struct VehicleSimulation: Sendable, Equatable {
    /// The vehicle's fixed traits.
    public var profile: VehicleProfile
    /// Its stored state.
    public var state: VehicleState

    /// A vehicle's simulation.
    public init(profile: VehicleProfile, state: VehicleState) {
        self.profile = profile
        self.state = state
    }

    /// The powertrain in effect: the one chosen by hand, else the VIN's.
    public var powertrain: Powertrain { state.powertrain ?? profile.powertrain }

    private var batteryKWh: Double { powertrain == profile.powertrain ? profile.batteryCapacityKWh : Self.fallbackBattery[powertrain]! }
    private var tankLitres: Double { powertrain == profile.powertrain ? profile.tankLitres : Self.fallbackTank[powertrain]! }
    /// Sizes for a powertrain chosen by hand that the VIN's profile has none of.
    private static let fallbackBattery: [Powertrain: Double] = [.bev: 75, .phev: 16, .ice: 0]
    private static let fallbackTank: [Powertrain: Double] = [.bev: 0, .phev: 40, .ice: 55]

    // MARK: Values at a moment

    /// The vehicle's values at `now`. Before `state.since` the state's own values are answered
    /// (time never runs backwards for a vehicle).
    public func snapshot(at now: Date) -> VehicleSnapshot {
        let hours = max(0, now.timeIntervalSince(state.since)) / 3600
        var battery = state.battery
        var fuel = state.fuel
        var odometer = state.odometerKm
        var (latitude, longitude) = (state.latitude, state.longitude)
        var activity = state.activity
        var recordedAt = state.since
        var charging = false

        switch state.activity {
        case .driving:
            let batteryKm = powertrain.hasBattery && batteryKWh > 0 ? battery * batteryKWh / profile.kWhPerKm : 0
            let fuelKm = powertrain.hasTank && tankLitres > 0 ? fuel * tankLitres / profile.litresPerKm : 0
            let wanted = VehicleProfile.tripSpeedKmh * hours
            let distance = min(wanted, batteryKm + fuelKm)
            let onBattery = min(distance, batteryKm)
            // A level used up is exactly empty, not a rounding error above it.
            if batteryKWh > 0 { battery = onBattery >= batteryKm ? 0 : battery - onBattery * profile.kWhPerKm / batteryKWh }
            if tankLitres > 0 { fuel = distance >= batteryKm + fuelKm ? 0 : fuel - (distance - onBattery) * profile.litresPerKm / tankLitres }
            odometer += distance
            (latitude, longitude) = Self.moved(from: (latitude, longitude), heading: state.heading, km: distance)
            if distance < wanted {
                // Out of energy: the trip ended where it ran dry.
                activity = .parked
                recordedAt = state.since + distance / VehicleProfile.tripSpeedKmh * 3600
            } else {
                recordedAt = max(now, state.since)
            }
        case .charging where powertrain.hasBattery && state.isPluggedIn && batteryKWh > 0:
            let perHour = VehicleProfile.chargerKW / batteryKWh
            let target = max(battery, state.chargeLimit)
            let filled = min(target, battery + perHour * hours)
            if filled < target {
                charging = true
                recordedAt = max(now, state.since)
            } else {
                activity = .parked
                recordedAt = state.since + (target - battery) / perHour * 3600
            }
            battery = filled
        case .charging, .parked:
            activity = .parked
        }

        battery = min(1, max(0, battery))
        fuel = min(1, max(0, fuel))
        let chargeState =
            charging
            ? "CHARGING" : (state.isPluggedIn && powertrain.hasBattery && battery >= state.chargeLimit - 0.0001 ? "FULLY_CHARGED" : "NOT_CHARGING")
        return VehicleSnapshot(
            at: now,
            recordedAt: min(recordedAt, max(now, state.since)),
            powertrain: powertrain,
            activity: charging ? .charging : activity,
            odometerKm: odometer,
            battery: battery,
            fuel: fuel,
            latitude: latitude,
            longitude: longitude,
            isLocked: state.isLocked,
            isPluggedIn: state.isPluggedIn,
            chargeLimit: state.chargeLimit,
            chargeState: chargeState,
            batteryRangeKm: batteryKWh > 0 ? battery * batteryKWh / profile.kWhPerKm : 0,
            fuelRangeKm: tankLitres > 0 ? fuel * tankLitres / profile.litresPerKm : 0,
            fuelLitres: fuel * tankLitres
        )
    }

    /// The point `km` along a heading (an equirectangular step: trips are short).
    static func moved(from start: (Double, Double), heading: Double, km: Double) -> (Double, Double) {
        let radians = heading * .pi / 180
        let latitude = start.0 + km * cos(radians) / 111.32
        let longitude = start.1 + km * sin(radians) / (111.32 * max(0.01, cos(start.0 * .pi / 180)))
        return (min(89.9, max(-89.9, latitude)), (longitude + 540).truncatingRemainder(dividingBy: 360) - 180)
    }

    /// The state re-anchored at `now`: the same course, with the values reached by then.
    public func advanced(to now: Date) -> VehicleState {
        let values = snapshot(at: now)
        var next = state
        next.since = max(now, state.since)
        next.activity = values.activity
        next.odometerKm = values.odometerKm
        next.battery = values.battery
        next.fuel = values.fuel
        next.latitude = values.latitude
        next.longitude = values.longitude
        return next
    }

    // MARK: Commands

    /// Carries out a command at `now`, or says why the vehicle refuses it.
    public func performing(_ command: VehicleCommand, at now: Date) throws(VehicleRefusal) -> VehicleState {
        var next = advanced(to: now)
        switch command {
        case .lock, .unlock:
            guard next.activity != .driving else { throw .inMotion }
            next.isLocked = command == .lock
        case .startCharge:
            guard powertrain.hasBattery else { throw .notCapable }
            guard next.activity != .driving else { throw .inMotion }
            guard next.isPluggedIn else { throw .plugNotConnected }
            guard next.activity != .charging else { throw .chargingInProgress }
            guard next.battery < next.chargeLimit - 0.0001 else { throw .fullyCharged }
            next.activity = .charging
        case .stopCharge:
            guard powertrain.hasBattery else { throw .notCapable }
            guard next.activity == .charging else { throw .notCharging }
            next.activity = .parked
        case .setChargeLimit(let limit):
            guard powertrain.hasBattery else { throw .notCapable }
            next.chargeLimit = limit
        case .navigate(let latitude, let longitude):
            next.destination = Coordinate(latitude: latitude, longitude: longitude)
        }
        return next
    }

    // MARK: Administration (`keyfob vehicles set|trip`)

    /// Starts a trip now: the car unplugs and drives along its heading until stopped or empty.
    public func startingTrip(at now: Date) -> VehicleState {
        var next = advanced(to: now)
        next.activity = .driving
        next.isPluggedIn = false
        return next
    }

    /// Ends the trip (or charging) now, where the car is.
    public func stoppingTrip(at now: Date) -> VehicleState {
        var next = advanced(to: now)
        next.activity = .parked
        return next
    }

    /// Moves the vehicle `seconds` further along its course at once: the values it would have
    /// then, recorded now.
    public func stepping(_ seconds: TimeInterval, at now: Date) -> VehicleState {
        var next = VehicleSimulation(profile: profile, state: advanced(to: now)).advanced(to: now + seconds)
        next.since = max(now, state.since)
        return next
    }
}

/// What an app asks a vehicle to do (docs/contract.md §7).
public enum VehicleCommand: Sendable, Equatable {
    case lock, unlock, startCharge, stopCharge
    case setChargeLimit(Double)
    case navigate(latitude: Double, longitude: Double)
}

/// Why a vehicle refused a command: Smartcar's `VEHICLE_STATE` codes, or `COMPATIBILITY` when
/// the powertrain cannot do it at all.
public enum VehicleRefusal: Error, Sendable, Equatable {
    case inMotion, plugNotConnected, chargingInProgress, notCharging, fullyCharged, notCapable
}
