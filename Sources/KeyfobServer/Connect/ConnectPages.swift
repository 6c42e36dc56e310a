import Foundation
import HTTPTypes
import Hummingbird
import KeyfobConnect
import KeyfobCore
import Mustache

/// Renders the Connect pages from the templates beside this module (every value HTML-escaped by
/// Mustache's `{{…}}`) and answers them with the headers docs/contract.md §3 requires.
struct ConnectPages: Sendable {
    let library: MustacheLibrary

    /// Loads the templates shipped as the module's resources.
    static func load() async throws -> ConnectPages {
        guard let directory = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw TemplatesMissing()
        }
        return ConnectPages(library: try await MustacheLibrary(directory: directory.path))
    }

    struct TemplatesMissing: Error, CustomStringConvertible {
        var description: String { "the Connect templates are missing from the KeyfobServer resource bundle" }
    }

    /// Headers on every Connect answer: no framing, no referrer, no caching.
    static let securityHeaders: HTTPFields = [
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("Content-Security-Policy")!:
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        .cacheControl: "no-store",
    ]

    func login(_ screen: ConnectFlow.LoginScreen) -> Response {
        page(
            .ok,
            "login",
            [
                "title": "Log in", "appName": screen.applicationName, "mode": screen.mode.rawValue,
                "testMode": screen.mode != .live, "csrf": screen.csrfToken, "email": screen.email,
            ].merging(Self.message(screen.message)) { $1 }
        )
    }

    func grant(_ screen: ConnectFlow.GrantScreen) -> Response {
        let vehicles: [[String: Any]] = screen.vehicles.enumerated().map { index, vehicle in
            [
                "id": vehicle.id.lowercasedText, "make": vehicle.make, "model": vehicle.model, "year": vehicle.year,
                "vin": vehicle.vin, "first": index == 0,
            ]
        }
        let permissions: [[String: Any]] = screen.permissions.map {
            ["name": $0.name, "description": $0.description, "required": $0.required]
        }
        return page(
            .ok,
            "grant",
            [
                "title": "Allow access", "appName": screen.applicationName, "csrf": screen.csrfToken, "permissions": permissions,
                "vehicles": vehicles, "singleSelect": screen.singleSelect,
            ].merging(Self.message(screen.message)) { $1 }
        )
    }

    func deviceEntry(_ screen: ConnectFlow.DeviceEntryScreen, csrf: String) -> Response {
        page(
            .init(code: screen.status),
            "device-entry",
            ["title": "Connect a device", "csrf": csrf, "userCode": screen.userCode].merging(Self.message(screen.message)) { $1 }
        )
    }

    func deviceFinished(_ screen: ConnectFlow.DeviceFinishedScreen) -> Response {
        var values: [String: Any] = ["title": screen.approved ? "Return to your car" : "Nothing shared", "approved": screen.approved]
        if let reason = screen.reason { values["reason"] = reason }
        return page(.ok, "device-done", values)
    }

    /// A message key only when there is a message: Mustache would print an absent optional as "nil".
    private static func message(_ text: String?) -> [String: Any] {
        text.map { ["message": $0] } ?? [:]
    }

    func error(status: Int, message: String) -> Response {
        page(.init(code: status), "error", ["title": "Error", "message": message])
    }

    /// A redirect back to the application (or to the next page), with the same security headers.
    static func redirect(to location: String, status: HTTPResponse.Status) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        return Response(status: status, headers: headers)
    }

    func page(_ status: HTTPResponse.Status, _ template: String, _ values: [String: Any]) -> Response {
        let html = library.render(values, withTemplate: template) ?? "<!doctype html><title>Keyfob</title><p>Page unavailable.</p>"
        var headers = Self.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
