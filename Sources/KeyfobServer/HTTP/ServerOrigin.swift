import Synchronization

/// The public origin of this server. Known from configuration, or — when the base URL is not set
/// and the port is picked by the OS (port 0) — only once the server is listening.
final class ServerOrigin: Sendable {
    private let value: Mutex<String>
    private let isConfigured: Bool

    init(configuration: KeyfobConfiguration) {
        value = Mutex(configuration.effectiveBaseURL)
        isConfigured = configuration.baseURL != nil
    }

    /// The origin, without a trailing slash.
    var url: String { value.withLock { $0 } }

    /// Records the bound port when the origin was derived from host and port.
    func listening(host: String, port: Int) {
        guard !isConfigured else { return }
        var configuration = KeyfobConfiguration()
        configuration.host = host
        configuration.port = port
        value.withLock { $0 = configuration.effectiveBaseURL }
    }
}
