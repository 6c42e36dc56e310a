import Foundation
import KeyfobConnect
import KeyfobCore
import Testing

@testable import KeyfobVehicles

/// The simulator's rules, with time stepped rather than slept through.
@Suite("vehicle simulation rules")
struct SimulationRulesTests {
    /// The same bytes every time, so every run simulates the same cars.
    struct FixedBytes: RandomSource {
        func bytes(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) } }
    }

    // Test VINs naming catalogue entries (their fourth character), as Connect's mock vehicles do.
    static let teslaVIN = TestOwners.vin(catalogueEntry: 0, using: FixedBytes())
    static let rav4PrimeVIN = TestOwners.vin(catalogueEntry: 10, using: FixedBytes())
    static let f150VIN = TestOwners.vin(catalogueEntry: 13, using: FixedBytes())

    func simulation(_ vin: String) -> VehicleSimulation {
        let profile = VehicleProfile(vin: vin)
        return VehicleSimulation(profile: profile, state: VehicleState(profile: profile))
    }

    @Test func aTestVINDecodesToItsCatalogueEntrysPowertrain() {
        #expect(VehicleProfile(vin: Self.teslaVIN).powertrain == .bev)
        #expect(VehicleProfile(vin: Self.rav4PrimeVIN).powertrain == .phev)
        #expect(VehicleProfile(vin: Self.f150VIN).powertrain == .ice)
        #expect(VehicleProfile(vin: "5YJ3E1EA7KF317000").powertrain == .bev)
        // The same VIN is the same car, in any case.
        #expect(VehicleProfile(vin: "1FTEW1EP5KFA12345") == VehicleProfile(vin: "1ftew1ep5kfa12345"))
    }

    @Test func aParkedVehicleIsTheSameAtEveryMoment() {
        let car = simulation(Self.teslaVIN)
        let now = Date()
        #expect(car.snapshot(at: now) == car.snapshot(at: now + 86400).with(at: now))
        #expect(car.snapshot(at: now).activity == .parked && car.snapshot(at: now).isLocked)
    }

    @Test func drivingGrowsTheOdometerMovesTheCarAndDrainsTheBattery() {
        let start = Date()
        let car = VehicleSimulation(profile: VehicleProfile(vin: Self.teslaVIN), state: simulation(Self.teslaVIN).startingTrip(at: start))
        let before = car.snapshot(at: start)
        let later = car.snapshot(at: start + 1800)
        #expect(later.activity == .driving)
        #expect(abs(later.odometerKm - before.odometerKm - VehicleProfile.tripSpeedKmh / 2) < 0.001)
        #expect(later.battery < before.battery)
        #expect(later.fuel == 0)
        // Along the trip's heading: the distance moved matches the odometer's growth.
        let movedKm = hypot(
            (later.latitude - before.latitude) * 111.32,
            (later.longitude - before.longitude) * 111.32 * cos(before.latitude * .pi / 180)
        )
        #expect(abs(movedKm - 24) < 0.5)
        // The odometer never goes back, minute by minute.
        var last = before.odometerKm
        for minute in stride(from: 0.0, through: 120, by: 1) {
            let reading = car.snapshot(at: start + minute * 60).odometerKm
            #expect(reading >= last)
            last = reading
        }
    }

    @Test func aTripEndsWhereTheBatteryRunsDry() {
        let start = Date()
        var state = simulation(Self.teslaVIN).startingTrip(at: start)
        state.battery = 0.01
        let car = VehicleSimulation(profile: VehicleProfile(vin: Self.teslaVIN), state: state)
        let dry = car.snapshot(at: start + 36_000)
        #expect(dry.activity == .parked && dry.battery == 0)
        #expect(dry.recordedAt < start + 36_000)
        #expect(car.snapshot(at: start + 72_000).odometerKm == dry.odometerKm)
    }

    @Test func aPlugInHybridDrivesOnItsBatteryFirst() {
        let start = Date()
        let car = VehicleSimulation(profile: VehicleProfile(vin: Self.rav4PrimeVIN), state: simulation(Self.rav4PrimeVIN).startingTrip(at: start))
        let before = car.snapshot(at: start)
        let soon = car.snapshot(at: start + 300)
        #expect(soon.battery < before.battery && soon.fuel == before.fuel)
        let long = car.snapshot(at: start + 6 * 3600)
        #expect(long.battery == 0 && long.fuel < before.fuel)
    }

    @Test func chargingFillsUpToTheLimitAndThenIsFullyCharged() throws {
        let start = Date()
        var plugged = simulation(Self.teslaVIN)
        plugged.state.isPluggedIn = true
        plugged.state.battery = 0.3
        let charging = VehicleSimulation(profile: plugged.profile, state: try plugged.performing(.startCharge, at: start))
        let hourLater = charging.snapshot(at: start + 3600)
        #expect(hourLater.chargeState == "CHARGING" && hourLater.battery > 0.3)
        let dayLater = charging.snapshot(at: start + 86400)
        #expect(dayLater.chargeState == "FULLY_CHARGED" && abs(dayLater.battery - 0.8) < 0.0001)
        #expect(dayLater.activity == .parked)
        #expect(throws: VehicleRefusal.fullyCharged) {
            try VehicleSimulation(profile: plugged.profile, state: charging.advanced(to: start + 86400)).performing(.startCharge, at: start + 86400)
        }
    }

    @Test func commandsTheStateRefusesSayWhy() throws {
        let now = Date()
        let parked = simulation(Self.teslaVIN)
        let driving = VehicleSimulation(profile: parked.profile, state: parked.startingTrip(at: now))
        #expect(throws: VehicleRefusal.inMotion) { try driving.performing(.unlock, at: now + 60) }
        #expect(throws: VehicleRefusal.plugNotConnected) { try parked.performing(.startCharge, at: now) }
        #expect(throws: VehicleRefusal.notCharging) { try parked.performing(.stopCharge, at: now) }
        var plugged = parked
        plugged.state.isPluggedIn = true
        plugged.state.battery = 0.2
        let charging = VehicleSimulation(profile: parked.profile, state: try plugged.performing(.startCharge, at: now))
        #expect(throws: VehicleRefusal.chargingInProgress) { try charging.performing(.startCharge, at: now + 60) }
        #expect(try charging.performing(.stopCharge, at: now + 60).activity == .parked)
        let combustion = simulation(Self.f150VIN)
        #expect(throws: VehicleRefusal.notCapable) { try combustion.performing(.startCharge, at: now) }
        #expect(try parked.performing(.unlock, at: now).isLocked == false)
    }

    @Test func steppingMovesTheCarOnAsIfTimeHadPassed() {
        let now = Date()
        let driving = VehicleSimulation(profile: VehicleProfile(vin: Self.f150VIN), state: simulation(Self.f150VIN).startingTrip(at: now))
        let stepped = VehicleSimulation(profile: driving.profile, state: driving.stepping(600, at: now))
        #expect(abs(stepped.snapshot(at: now).odometerKm - driving.snapshot(at: now + 600).odometerKm) < 0.0001)
        #expect(stepped.state.since == now)
    }

    @Test func adjustmentsKeepThePhysics() throws {
        let now = Date()
        let car = simulation(Self.teslaVIN)
        let odometer = car.snapshot(at: now).odometerKm
        #expect(throws: VehicleAdjustmentError.self) {
            var change = VehicleAdjustment()
            change.odometerKm = odometer - 1
            return try car.adjusted(change, at: now)
        }
        var charge = VehicleAdjustment()
        charge.activity = .charging
        charge.battery = 0.5
        let charging = try car.adjusted(charge, at: now)
        #expect(charging.isPluggedIn && charging.activity == .charging && charging.battery == 0.5)
        var fuel = VehicleAdjustment()
        fuel.fuel = 0.5
        #expect(throws: VehicleAdjustmentError.self) { try car.adjusted(fuel, at: now) }
    }

    @Test func aStoredStateReadsBackExactly() throws {
        var state = VehicleState(profile: VehicleProfile(vin: Self.teslaVIN))
        state.since = Date(timeIntervalSince1970: 1_790_000_000.123)
        state.destination = .init(latitude: 1.5, longitude: -2.25)
        #expect(try VehicleState(storedJSON: state.storedJSON()) == state)
        #expect(throws: StoreUnavailableError.self) { try VehicleState(storedJSON: "{not json") }
    }
}

extension VehicleSnapshot {
    /// The same values, described at another moment.
    func with(at moment: Date) -> VehicleSnapshot {
        var copy = self
        copy.at = moment
        return copy
    }
}
