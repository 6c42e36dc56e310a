// swift-tools-version:6.2
import PackageDescription

/// Every Keyfob target: warnings are errors, and existential types are spelled `any` (SE-0335).
let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "keyfob",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "keyfob", targets: ["keyfob"]),
        .executable(name: "keyfob-bench", targets: ["KeyfobBench"]),
        .executable(name: "keyfob-bare-route", targets: ["BareRoute"]),
        .library(name: "KeyfobCore", targets: ["KeyfobCore"]),
        .library(name: "KeyfobConnect", targets: ["KeyfobConnect"]),
        .library(name: "KeyfobVehicles", targets: ["KeyfobVehicles"]),
        .library(name: "KeyfobMemory", targets: ["KeyfobMemory"]),
        .library(name: "KeyfobSQLite", targets: ["KeyfobSQLite"]),
        .library(name: "KeyfobPostgres", targets: ["KeyfobPostgres"]),
        .library(name: "KeyfobServer", targets: ["KeyfobServer"]),
        .library(name: "KeyfobClient", targets: ["KeyfobClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        // DPoP proofs (RFC 9449) and JWT access tokens (RFC 9068): JWS, JWK and JWKS.
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // `/metrics`: swift-metrics' API with Prometheus' text format.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // `serve --config FILE` and `KEYFOB_*`: one reader over flags, environment and file.
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: [.defaults, "YAML"]),
        // The config file's keys, checked before its values are read (ConfigFile).
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // `swift package generate-documentation`: the DocC catalogues of KeyfobClient and KeyfobServer.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "KeyfobCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "KeyfobConnect",
            dependencies: ["KeyfobCore"],
            swiftSettings: strict
        ),
        .target(
            name: "KeyfobVehicles",
            dependencies: ["KeyfobCore", "KeyfobConnect"],
            swiftSettings: strict
        ),
        .target(
            name: "KeyfobMemory",
            dependencies: ["KeyfobCore", "KeyfobConnect", "KeyfobVehicles"],
            swiftSettings: strict
        ),
        .target(
            name: "KeyfobSQLite",
            dependencies: [
                "KeyfobCore",
                "KeyfobConnect",
                "KeyfobVehicles",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API: the token path's statements (DirectStatement), the WAL hook
                // (BackgroundCheckpointer).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                // Group-commit batch sizes and store call latency, for /metrics.
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "KeyfobPostgres",
            dependencies: [
                "KeyfobCore",
                "KeyfobConnect",
                "KeyfobVehicles",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                // Pool in use and store call latency, for /metrics.
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "KeyfobServer",
            dependencies: [
                "KeyfobCore",
                "KeyfobConnect",
                "KeyfobVehicles",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                // The HTTP/1 channel with Keyfob's connection bounds (KeyfobHTTP1Channel).
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // /openapi.json, converted from the YAML document at start-up.
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Templates"), .copy("OpenAPI")],
            swiftSettings: strict
        ),
        .target(
            name: "KeyfobClient",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // SHA-256 for PKCE challenges; Foundation on Linux has none.
                .product(name: "Crypto", package: "swift-crypto"),
                // DPoP proofs the client signs, and the JWT access tokens a resource server checks.
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "keyfob",
            dependencies: [
                "KeyfobClient",
                "KeyfobCore",
                "KeyfobConnect",
                "KeyfobVehicles",
                "KeyfobSQLite",
                "KeyfobPostgres",
                "KeyfobServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                // The bind failure's errno (IOError).
                .product(name: "NIOCore", package: "swift-nio"),
                // SQLite's "cannot open" error, reported with the path.
                .product(name: "GRDB", package: "GRDB.swift"),
                // `serve --metrics-port`: the main and the metrics listener in one service group.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // Settings from KEYFOB_* and `--config FILE` (SettingSources).
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "KeyfobBench",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Benchmarks/KeyfobBench",
            swiftSettings: strict
        ),
        // The baseline for Keyfob's fixed cost per request: a Hummingbird route with nothing added.
        .executableTarget(
            name: "BareRoute",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Benchmarks/BareRoute",
            swiftSettings: strict
        ),
        .target(
            name: "KeyfobTestSupport",
            dependencies: [
                "KeyfobCore",
                "KeyfobConnect",
                "KeyfobMemory",
                "KeyfobSQLite",
                "KeyfobPostgres",
                "KeyfobServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // DPoP proofs built by hand, the malformed ones included.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/KeyfobTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "KeyfobCoreTests",
            dependencies: ["KeyfobCore", "KeyfobConnect", "KeyfobMemory"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KeyfobConnectTests",
            dependencies: ["KeyfobCore", "KeyfobConnect", "KeyfobMemory"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KeyfobVehiclesTests",
            dependencies: ["KeyfobCore", "KeyfobConnect", "KeyfobVehicles", "KeyfobMemory"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KeyfobStoreTests",
            dependencies: [
                "KeyfobCore", "KeyfobConnect", "KeyfobVehicles", "KeyfobMemory", "KeyfobSQLite", "KeyfobPostgres", "KeyfobServer",
                "KeyfobTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KeyfobServerTests",
            dependencies: [
                "KeyfobCore",
                "KeyfobConnect",
                "KeyfobVehicles",
                "KeyfobSQLite",
                "KeyfobServer",
                "KeyfobTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KeyfobClientTests",
            dependencies: ["KeyfobClient", "KeyfobCore", "KeyfobTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KeyfobCLITests",
            dependencies: [
                "keyfob",
                "KeyfobBench",
                "BareRoute",
                "KeyfobCore",
                "KeyfobConnect",
                "KeyfobSQLite",
                "KeyfobTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
    ]
)
