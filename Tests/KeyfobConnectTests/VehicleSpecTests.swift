import Testing

@testable import KeyfobConnect

/// The CLI's vehicle descriptions, `"MAKE MODEL YEAR [VIN]"`.
@Suite("vehicle descriptions")
struct VehicleSpecTests {
    @Test func vehicleSpecsAllowModelsWithSpaces() throws {
        #expect(try VehicleSpec.parse("Tesla Model 3 2021").get() == .init(make: "Tesla", model: "Model 3", year: 2021, vin: nil))
        #expect(
            try VehicleSpec.parse("Ford F-150 2019 1FTEW1EP5KFA12345").get()
                == .init(make: "Ford", model: "F-150", year: 2019, vin: "1FTEW1EP5KFA12345")
        )
    }

    @Test(arguments: ["Tesla", "Tesla 2021", "Tesla Model 3", "Ford F-150 2019 BADVIN", "Ford F-150 2019 1FTEW1EP5KFA1234O"])
    func malformedVehicleSpecsAreExplained(spec: String) {
        guard case .failure = VehicleSpec.parse(spec) else {
            Issue.record("\(spec) parsed")
            return
        }
    }
}
