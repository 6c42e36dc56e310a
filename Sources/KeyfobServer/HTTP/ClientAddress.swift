import Hummingbird

/// The address a request came from, as the throttles count it.
///
/// The connection's peer, unless that peer is a proxy the operator named (`--trusted-proxy`):
/// then the right-most address of `X-Forwarded-For` that is not itself a trusted proxy. Only the
/// right end of the header can be believed, since each proxy appends what it saw and a client may
/// send any header it likes; without trusted proxies the header is ignored altogether.
struct ClientAddress: Sendable {
    let trustedProxies: Set<String>

    func of(_ request: Request, _ context: KeyfobRequestContext) -> String {
        let peer = context.sourceAddress
        guard trustedProxies.contains(peer) else { return peer }
        let hops = request.headers[values: .init("X-Forwarded-For")!]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return hops.last { !trustedProxies.contains($0) } ?? peer
    }
}
