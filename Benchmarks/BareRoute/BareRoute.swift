import ArgumentParser
import Foundation
import Hummingbird

/// A Hummingbird server with nothing of Keyfob's: no middleware, no request ids, no logging, no
/// metrics. It answers the bytes of a given file as JSON, so `Benchmarks/scripts/fixed-cost.sh`
/// can set Keyfob's metadata route beside the same answer from a bare route (#20: what each
/// request pays before its handler).
@main
struct BareRoute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyfob-bare-route",
        abstract: "Answer a constant JSON document from a bare Hummingbird route (a benchmark baseline)."
    )

    @Option(help: "The port to listen on, on 127.0.0.1.")
    var port: Int = 8358

    @Option(help: "The file whose bytes GET <path> answers, as application/json.")
    var body: String

    @Option(help: "The path answered.")
    var path: String = "/.well-known/oauth-authorization-server"

    func run() async throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: body))
        let answer = ByteBuffer(bytes: bytes)
        let length = String(answer.readableBytes)
        let router = Router()
        router.get(RouterPath(path)) { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json", .contentLength: length],
                body: .init(byteBuffer: answer)
            )
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}
