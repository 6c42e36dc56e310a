import Foundation
import KeyfobServer
import KeyfobTestSupport
import Testing

/// docs/openapi.yaml against the server: every route the router registers is described, every
/// described route is registered, and the document served is the one in the repository.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    static let documentPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.yaml")

    /// `METHOD /path` for each operation of the served JSON document.
    static func documentedOperations(_ document: [String: Any]) -> Set<String> {
        let methods = ["get", "put", "post", "delete", "patch", "head", "options"]
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        return Set(paths.flatMap { path, item in item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" } })
    }

    @Test func everyRegisteredRouteIsDescribedAndEveryDescribedRouteIsRegistered() async throws {
        try await TestServer.with { server in
            let registered = Set(try await registeredRoutes(configuration: KeyfobConfiguration(), store: server.store))
            let served = try await TestHTTP.send(.GET, server.baseURL + "/openapi.json")
            #expect(served.status == 200 && served.header("Content-Type") == "application/json")
            let documented = Self.documentedOperations(served.json)
            #expect(registered.subtracting(documented).isEmpty, "registered but not described: \(registered.subtracting(documented).sorted())")
            #expect(documented.subtracting(registered).isEmpty, "described but not registered: \(documented.subtracting(registered).sorted())")
        }
    }

    @Test func everyOperationSaysItsStatusesAndTheCallsSayTheirSecurity() async throws {
        try await TestServer.with { server in
            let document = try await TestHTTP.send(.GET, server.baseURL + "/openapi.json").json
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            for (path, item) in paths {
                for (method, value) in item {
                    let operation = try #require(value as? [String: Any])
                    let responses = try #require(operation["responses"] as? [String: Any], "\(method) \(path)")
                    #expect(!responses.isEmpty && responses["default"] == nil, "\(method) \(path): explicit statuses only")
                    if path.hasPrefix("/v2.0/") {
                        #expect(operation["security"] != nil, "\(method) \(path) says how it is authenticated")
                        #expect(responses["401"] != nil, "\(method) \(path) says it can refuse credentials")
                    }
                }
            }
        }
    }

    @Test func theServedDocumentIsTheRepositorysOwn() async throws {
        try await TestServer.with { server in
            let served = try await TestHTTP.send(.GET, server.baseURL + "/openapi.yaml")
            #expect(served.status == 200 && served.header("Content-Type") == "application/yaml")
            #expect(served.text == (try String(contentsOf: Self.documentPath, encoding: .utf8)))
        }
    }
}
