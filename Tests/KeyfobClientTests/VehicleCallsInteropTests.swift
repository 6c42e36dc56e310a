import Foundation
import KeyfobClient
import KeyfobCore
import KeyfobTestSupport
import Testing

/// `VehicleAPIClient`'s data and command calls against a live Keyfob: typed values, units, meta,
/// batch entries each with their own outcome, and the vehicle errors as typed kinds.
@Suite("KeyfobClient vehicle calls")
struct VehicleCallsInteropTests {
    /// A token over one battery EV with every data and command permission.
    func session(_ server: TestServer) async throws -> (api: VehicleAPIClient, token: String, vehicle: String) {
        let app = try await server.fixtures.app()
        let permissions = [
            "read_vehicle_info", "read_odometer", "read_location", "read_battery", "read_charge", "read_fuel", "read_tires",
            "read_security", "control_security", "control_charge", "control_navigation",
        ]
        let (codes, _, vehicles) = try await server.fixtures.codes(
            for: app,
            permissions: permissions,
            vins: [Fixtures.vin(catalogueEntry: Fixtures.bev)]
        )
        let pair = try await server.exchange(codes[0], app: app)
        return (VehicleAPIClient(origin: server.baseURL), try #require(pair["access_token"]), vehicles[0].id.lowercasedText)
    }

    @Test func readsAreTypedWithTheirUnitsAndMeta() async throws {
        try await TestServer.with { server in
            let (api, token, car) = try await session(server)
            let metric = try await api.odometer(vehicleID: car, accessToken: token)
            #expect(metric.meta.unitSystem == .metric && metric.meta.dataAge != nil && metric.meta.fetchedAt != nil && metric.meta.requestID != nil)
            let imperial = try await api.odometer(vehicleID: car, accessToken: token, units: .imperial)
            #expect(imperial.meta.unitSystem == .imperial && abs(metric.value.distance / imperial.value.distance - 1.609344) < 0.01)
            let location = try await api.location(vehicleID: car, accessToken: token)
            #expect((-90...90).contains(location.value.latitude))
            #expect(try await api.lockStatus(vehicleID: car, accessToken: token).value.doors.count == 4)
            #expect(try await api.tirePressure(vehicleID: car, accessToken: token).value.frontLeft > 0)
            #expect(try await api.battery(vehicleID: car, accessToken: token).value.percentRemaining > 0)
        }
    }

    @Test func commandsAnswerSuccessAndRefusalsAreTypedKinds() async throws {
        try await TestServer.with { server in
            let (api, token, car) = try await session(server)
            #expect(try await api.unlock(vehicleID: car, accessToken: token).status == "success")
            #expect(try await api.lockStatus(vehicleID: car, accessToken: token).value.isLocked == false)
            #expect(try await api.lock(vehicleID: car, accessToken: token).status == "success")
            #expect(try await api.setChargeLimit(0.9, vehicleID: car, accessToken: token).status == "success")
            #expect(try await api.chargeLimit(vehicleID: car, accessToken: token).value.limit == 0.9)
            #expect(try await api.sendDestination(latitude: 48.85, longitude: 2.35, vehicleID: car, accessToken: token).status == "success")
            do {
                _ = try await api.startCharge(vehicleID: car, accessToken: token)
                Issue.record("an unplugged car started charging")
            } catch KeyfobClientError.api(let failure) {
                #expect(failure.kind == .vehicleState && failure.code == "CHARGING_PLUG_NOT_CONNECTED" && failure.statusCode == 409)
            }
            do {
                _ = try await api.fuel(vehicleID: car, accessToken: token)
                Issue.record("a battery EV answered fuel")
            } catch KeyfobClientError.api(let failure) {
                #expect(failure.kind == .compatibility && failure.code == "VEHICLE_NOT_CAPABLE" && failure.statusCode == 501)
            }
        }
    }

    @Test func aBatchGivesEachEntryItsOwnOutcome() async throws {
        try await TestServer.with { server in
            let (api, token, car) = try await session(server)
            let items = try await api.batch(["/odometer", "/fuel", "/engine/oil"], vehicleID: car, accessToken: token)
            #expect(items.map(\.path) == ["/odometer", "/fuel", "/engine/oil"])
            #expect(items.map(\.status) == [200, 501, 403])
            let odometer = try items[0].decode(VehicleAPIClient.Odometer.self)
            #expect(odometer.value.distance > 0 && odometer.meta.unitSystem == .metric && odometer.meta.requestID != nil)
            #expect(throws: KeyfobClientError.self) { try items[1].decode(VehicleAPIClient.Fuel.self) }
            do {
                _ = try items[2].decode(VehicleAPIClient.Odometer.self)
            } catch KeyfobClientError.api(let failure) {
                #expect(failure.kind == .permission)
            }
        }
    }
}
