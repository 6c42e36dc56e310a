import Foundation
import KeyfobConnect
import KeyfobCore
import KeyfobServer
import Logging

/// `keyfob serve`'s settings once flags, `KEYFOB_*` and the config file are merged and checked.
struct ServeSettings {
    let database: DatabaseSettings
    let host: Resolved<String>
    let port: Resolved<Int>
    let baseURL: Resolved<String?>
    let noDemoApp: Resolved<Bool>
    let logLevel: Resolved<Logger.Level>
    let logFormat: Resolved<Output.LogFormat>
    let idleTimeout: Resolved<TimeSpan>
    let bodyTimeout: Resolved<TimeSpan>
    let vehicleAPI: Resolved<ServeCommand.Switch>
    let connectModes: Resolved<[ConnectMode]>
    let trustedProxies: Resolved<[String]>
    let apiCallsPerToken: Resolved<Int>
    let dpopNonces: Resolved<ServeCommand.Switch>
    let clientAuthFailures: Resolved<Int>
    let maxPendingLogins: Resolved<Int>
    let maxTokenRequests: Resolved<Int>
    let metricsPort: Resolved<Int?>
    let metricsHost: Resolved<String>

    init(flags: ServeCommand, sources: SettingSources) throws {
        typealias S = SettingCatalogue
        database = try flags.database.resolved(from: sources)
        host = try sources.resolve(S.host, flag: flags.host)
        port = try sources.resolve(S.port, flag: flags.port)
        baseURL = try sources.resolve(S.baseURL, flag: flags.baseURL)
        noDemoApp = try sources.resolve(S.noDemoApp, flag: flags.noDemoApp ? true : nil)
        logLevel = try sources.resolve(S.logLevel, flag: flags.logLevel)
        logFormat = try sources.resolve(S.logFormat, flag: flags.logFormat)
        idleTimeout = try sources.resolve(S.idleTimeout, flag: flags.idleTimeout)
        bodyTimeout = try sources.resolve(S.bodyTimeout, flag: flags.bodyTimeout)
        vehicleAPI = try sources.resolve(S.vehicleAPI, flag: flags.vehicleAPI)
        connectModes = try sources.resolve(S.connectModes, flag: flags.connectModes.isEmpty ? nil : flags.connectModes)
        trustedProxies = try sources.resolve(S.trustedProxies, flag: flags.trustedProxies.isEmpty ? nil : flags.trustedProxies)
        apiCallsPerToken = try sources.resolve(S.apiCallsPerToken, flag: flags.apiCallsPerToken)
        dpopNonces = try sources.resolve(S.dpopNonces, flag: flags.dpopNonces)
        clientAuthFailures = try sources.resolve(S.clientAuthFailures, flag: flags.clientAuthFailures)
        maxPendingLogins = try sources.resolve(S.maxPendingLogins, flag: flags.maxPendingLogins)
        maxTokenRequests = try sources.resolve(S.maxTokenRequests, flag: flags.maxTokenRequests)
        metricsPort = try sources.resolve(S.metricsPort, flag: flags.metricsPort)
        metricsHost = try sources.resolve(S.metricsHost, flag: flags.metricsHost)
        try check()
    }

    private func check() throws {
        try port.require("from 0 to 65535") { (0...65535).contains($0) }
        let mainPort = port.value
        try metricsPort.require("from 1 to 65535 and not the main port") { $0.map { (1...65535).contains($0) && $0 != mainPort } ?? true }
        try apiCallsPerToken.require("from 1 to 1000000") { (1...1_000_000).contains($0) }
        try clientAuthFailures.require("from 1 to 100000") { (1...100_000).contains($0) }
        try maxPendingLogins.require("from 1 to 10000") { (1...10_000).contains($0) }
        try maxTokenRequests.require("from 0 (no bound) to 100000") { (0...100_000).contains($0) }
        for span in [idleTimeout, bodyTimeout] {
            try span.require("between 100ms (0.1s) and 1h") { (0.1...3600).contains($0.seconds) }
        }
        try connectModes.require("at least one of live, test, simulated") { !$0.isEmpty }
        try baseURL.require("an http(s) URL") { url in
            url.map { RedirectURI.problem(with: $0, allowPlainHTTP: true) == nil && ($0.hasPrefix("http://") || $0.hasPrefix("https://")) } ?? true
        }
    }

    /// What `--print-config` prints: every setting, its effective value and where it came from.
    var lines: [String] {
        database.lines + [
            host.line, port.line, baseURL.line, noDemoApp.line, logLevel.line, logFormat.line, idleTimeout.line, bodyTimeout.line,
            vehicleAPI.line, connectModes.line, trustedProxies.line, apiCallsPerToken.line, dpopNonces.line, clientAuthFailures.line,
            maxPendingLogins.line, maxTokenRequests.line, metricsPort.line, metricsHost.line,
        ]
    }

    /// The server's configuration these settings make.
    var configuration: KeyfobConfiguration {
        var configuration = KeyfobConfiguration()
        configuration.host = host.value
        configuration.port = port.value
        configuration.baseURL = baseURL.value
        configuration.vehicleAPI = vehicleAPI.value == .on
        configuration.connectModes = Set(connectModes.value)
        configuration.metricsOnMainListener = metricsPort.value == nil
        configuration.apiCallsPerToken = apiCallsPerToken.value
        configuration.dpopNonces = dpopNonces.value == .on
        configuration.trustedProxies = Set(trustedProxies.value)
        configuration.clientAuthLimits.perClientAndAddress = clientAuthFailures.value
        configuration.clientAuthLimits.perAddress = clientAuthFailures.value * 10
        configuration.maxPendingLogins = maxPendingLogins.value
        configuration.maxConcurrentTokenRequests = maxTokenRequests.value == 0 ? nil : maxTokenRequests.value
        configuration.connectionTimeouts = ConnectionTimeouts(
            idle: idleTimeout.value.duration,
            body: bodyTimeout.value.duration
        )
        return configuration
    }
}
