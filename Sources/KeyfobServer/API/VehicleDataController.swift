import Foundation
import HTTPTypes
import Hummingbird
import KeyfobCore
import KeyfobVehicles

/// The vehicle's data and commands under `/v2.0/vehicles/{id}/` (docs/contract.md §7), and
/// `POST /batch`: HTTP around `VehicleAPI`'s rules and the simulator.
struct VehicleDataController {
    let call: BearerCall
    let api: VehicleAPI
    /// The largest command or batch body accepted.
    static let maxBodySize = 16 * 1024

    func addRoutes(to router: Router<KeyfobRequestContext>) {
        let vehicle = router.group("v2.0/vehicles/:id")
        for endpoint in VehicleEndpoint.allCases {
            vehicle.get(RouterPath(endpoint.rawValue)) { request, context in
                await call.respond(request, context) { access in try await read(endpoint, access, request, context) }
            }
        }
        for path in ["security", "charge", "charge/limit", "navigation/destination"] {
            vehicle.post(RouterPath(path)) { request, context in
                await call.respond(request, context) { access in try await perform(path, access, request, context) }
            }
        }
        vehicle.post("batch") { request, context in
            await call.respond(request, context) { access in try await batch(access, request, context) }
        }
    }

    private func read(
        _ endpoint: VehicleEndpoint,
        _ access: BearerAccess,
        _ request: Request,
        _ context: KeyfobRequestContext
    ) async throws
        -> APIAnswer
    {
        let units = try UnitSystem(header: request.headers[.scUnitSystem])
        let reading = try await api.read(
            endpoint,
            vehicle: context.parameters.get("id") ?? "",
            for: access,
            units: units,
            query: try APIQuery.parse(request)
        )
        return APIAnswer(body: reading.body, headers: Self.headers(of: reading))
    }

    private func perform(_ path: String, _ access: BearerAccess, _ request: Request, _ context: KeyfobRequestContext) async throws -> APIAnswer {
        let body = try await Self.body(of: request)
        let command = try VehicleCommand.parse(path: path, body: body)
        return APIAnswer(body: try await api.perform(command, vehicle: context.parameters.get("id") ?? "", for: access))
    }

    private func batch(_ access: BearerAccess, _ request: Request, _ context: KeyfobRequestContext) async throws -> APIAnswer {
        let units = try UnitSystem(header: request.headers[.scUnitSystem])
        struct Batch: Decodable {
            struct Item: Decodable { let path: String }
            let requests: [Item]
        }
        guard let batch = try? JSONDecoder().decode(Batch.self, from: try await Self.body(of: request)) else {
            throw APIError(.validation, "The body must be {\"requests\":[{\"path\":\"/odometer\"},…]}.", code: "PARAMETER")
        }
        let entries = try await api.batch(batch.requests.map(\.path), vehicle: context.parameters.get("id") ?? "", for: access, units: units)
        let responses = entries.map { entry in
            switch entry.result {
            case .success(let reading):
                BatchAnswer.Entry(path: entry.path, code: 200, headers: Self.headerMembers(of: reading), body: .reading(reading.body))
            case .failure(let error):
                BatchAnswer.Entry(path: entry.path, code: error.statusCode, headers: [:], body: .error(error.body(requestID: context.requestID)))
            }
        }
        var headers = HTTPFields()
        headers[.scUnitSystem] = units.rawValue
        return APIAnswer(body: BatchAnswer(responses: responses), headers: headers)
    }

    /// The body of a command or batch, bounded.
    private static func body(of request: Request) async throws -> Data {
        do {
            var request = request
            return Data(buffer: try await request.collectBody(upTo: maxBodySize))
        } catch {
            throw APIError(.validation, "The request body is larger than \(maxBodySize) bytes.", code: "PARAMETER")
        }
    }

    /// `sc-data-age`, `sc-fetched-at` and `sc-unit-system` of a data answer.
    static func headerMembers(of reading: VehicleReading) -> [String: String] {
        [
            "sc-data-age": Self.timestamp(reading.recordedAt), "sc-fetched-at": Self.timestamp(reading.fetchedAt),
            "sc-unit-system": reading.units.rawValue,
        ]
    }

    private static func headers(of reading: VehicleReading) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in headerMembers(of: reading) { fields[HTTPField.Name(name)!] = value }
        return fields
    }

    /// ISO 8601 in UTC with milliseconds, as Smartcar writes it.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// `POST /batch`'s answer.
    struct BatchAnswer: Encodable {
        struct Entry: Encodable {
            let path: String
            let code: Int
            let headers: [String: String]
            let body: Body
        }

        /// A reading's body, or the entry's own error.
        enum Body: Encodable {
            case reading(JSONValue)
            case error(APIError.Body)

            func encode(to encoder: any Encoder) throws {
                switch self {
                case .reading(let value): try value.encode(to: encoder)
                case .error(let body): try body.encode(to: encoder)
                }
            }
        }

        let responses: [Entry]
    }
}

extension HTTPField.Name {
    /// Smartcar's unit header, asked and answered.
    static let scUnitSystem = HTTPField.Name("sc-unit-system")!
}
