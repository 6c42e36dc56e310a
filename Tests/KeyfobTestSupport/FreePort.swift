import Foundation
import Synchronization

/// A loopback port nobody listens on right now, below the kernel's ephemeral range.
///
/// Asking the OS for port 0 hands out a port from the ephemeral range, which every outgoing
/// connection also draws from: a test's HTTP clients could take it before the server that was meant
/// to listen there starts (it happened once to a PostgreSQL cluster), or while a test has stopped
/// that server to restart it on the same port. Ports below the range are only ever taken by
/// listeners that ask for them by number.
///
/// No port is handed out twice in one test process. A port is free when it is handed out, but its
/// listener may start seconds later (a PostgreSQL cluster runs `initdb` first), and tests run in
/// parallel: another test drawing the same number meanwhile would find it free too, and one of
/// the two servers would fail to bind (it happened once in CI).
public enum FreePort {
    static let candidates = 20_000..<32_768
    private static let handedOut = Mutex<Set<Int>>([])

    public static func find() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: candidates)
            guard handedOut.withLock({ $0.insert(port).inserted }) else { continue }
            if isFree(port) { return port }
        }
        throw POSIXError(.EADDRINUSE)
    }

    /// Whether a listener could bind 127.0.0.1:`port` now.
    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 }
        }
    }
}
