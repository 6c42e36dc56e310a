import KeyfobCore
import Testing

@testable import KeyfobVehicles

/// `GET /v2.0/vehicles` paging (docs/contract.md §4).
@Suite("vehicle list paging")
struct PagingTests {
    @Test func pagingDefaultsAndBounds() throws {
        let defaults = try VehicleAPI.Paging(limit: nil, offset: nil)
        #expect(defaults.limit == 10 && defaults.offset == 0)
        #expect(throws: APIError.self) { try VehicleAPI.Paging(limit: "51", offset: nil) }
        #expect(throws: APIError.self) { try VehicleAPI.Paging(limit: nil, offset: "-1") }
    }
}
