import Foundation
import Hummingbird
import KeyfobCore
import KeyfobVehicles
import Logging

/// `/v2.0/user` and `/v2.0/vehicles…` (docs/contract.md §4): bearer authentication, then the core's
/// `VehicleAPI`, answered in Smartcar's shapes.
struct VehicleAPIController {
    let call: BearerCall
    let api: VehicleAPI

    func addRoutes(to router: Router<KeyfobRequestContext>) {
        let v2 = router.group("v2.0")
        v2.get("user") { request, context in await self.answer(request, context, self.user) }
        v2.get("vehicles") { request, context in await self.answer(request, context, self.vehicles) }
        v2.get("vehicles/:id") { request, context in await self.answer(request, context, self.vehicle) }
        v2.get("vehicles/:id/permissions") { request, context in await self.answer(request, context, self.permissions) }
        v2.delete("vehicles/:id/application") { request, context in await self.answer(request, context, self.disconnect) }
        // Any other path under /v2.0 gets the v2 error shape from `RequestIDResponder`.
    }

    private func user(_ access: BearerAccess, _ request: Request, _ context: KeyfobRequestContext) async throws -> any Encodable {
        ["id": try api.userID(for: access).lowercasedText]
    }

    private func vehicles(_ access: BearerAccess, _ request: Request, _ context: KeyfobRequestContext) async throws -> any Encodable {
        let paging = try Self.paging(request)
        let page = try api.vehicleIDs(for: access, paging: paging)
        return VehicleList(vehicles: page.ids.map { $0.lowercasedText }, paging: .init(count: page.total, offset: paging.offset))
    }

    private func vehicle(_ access: BearerAccess, _ request: Request, _ context: KeyfobRequestContext) async throws -> any Encodable {
        let vehicle = try await api.vehicle(context.parameters.get("id") ?? "", for: access)
        return VehicleAttributes(id: vehicle.id.lowercasedText, make: vehicle.make, model: vehicle.model, year: vehicle.year)
    }

    private func permissions(_ access: BearerAccess, _ request: Request, _ context: KeyfobRequestContext) async throws -> any Encodable {
        let paging = try Self.paging(request)
        let page = try api.permissions(of: context.parameters.get("id") ?? "", for: access, paging: paging)
        return PermissionList(permissions: page.names, paging: .init(count: page.total, offset: paging.offset))
    }

    private func disconnect(_ access: BearerAccess, _ request: Request, _ context: KeyfobRequestContext) async throws -> any Encodable {
        try await api.disconnect(context.parameters.get("id") ?? "", for: access)
        return ["status": "success"]
    }

    /// Authenticates, runs the call, and renders its body or its error.
    private func answer(
        _ request: Request,
        _ context: KeyfobRequestContext,
        _ call: @escaping (BearerAccess, Request, KeyfobRequestContext) async throws -> any Encodable
    ) async -> Response {
        await self.call.respond(request, context) { access in
            APIAnswer(body: try await call(access, request, context))
        }
    }

    private static func paging(_ request: Request) throws -> VehicleAPI.Paging {
        let query = try APIQuery.parse(request)
        return try VehicleAPI.Paging(limit: query["limit"], offset: query["offset"])
    }

    struct Paging: Encodable {
        let count: Int
        let offset: Int
    }

    struct VehicleList: Encodable {
        let vehicles: [String]
        let paging: Paging
    }

    struct VehicleAttributes: Encodable {
        let id: String
        let make: String
        let model: String
        let year: Int
    }

    struct PermissionList: Encodable {
        let permissions: [String]
        let paging: Paging
    }
}
