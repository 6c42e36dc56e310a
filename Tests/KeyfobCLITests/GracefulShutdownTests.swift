import Foundation
import KeyfobTestSupport
import Synchronization
import Testing

/// SIGTERM in the middle of 64 concurrent exchanges (docs/contract.md §9): the server stops
/// accepting, answers what it took, and exits 0; every exchange answered 200 is durable, and none
/// is answered 500.
@Suite("graceful shutdown")
struct GracefulShutdownTests {
    static let redirect = "https://client.example.com/cb"

    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalMidLoadAnswersWhatWasTakenAndExitsZero(signal: Int32) async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let (id, secret, _) = try await KeyfobProcess.createApp("Shutdown", database: database.url, redirectURI: Self.redirect)
        let codes = try await KeyfobProcess.run(
            ["dev", "mint-codes", "--app", id, "--count", "64", "--redirect-uri", Self.redirect, "--database", database.url]
        ).stdout.split(separator: "\n").map(String.init)
        #expect(codes.count == 64)

        let server = try KeyfobProcess.Server(database: database.url)
        try await server.waitUntilReady()
        @Sendable func exchange(_ code: String) async -> TestHTTP.Reply? {
            // A request the stopped listener refused never reached Keyfob.
            try? await TestHTTP.send(
                .POST,
                server.baseURL + "/oauth/token",
                headers: [TestHTTP.basic(id, secret), ("Content-Type", "application/x-www-form-urlencoded")],
                body: Data("grant_type=authorization_code&code=\(code)&redirect_uri=\(Self.redirect)".utf8)
            )
        }
        let answered = AnswerCount()
        let answers = await withTaskGroup(of: TestHTTP.Reply?.self) { group in
            for code in codes.prefix(32) {
                group.addTask {
                    let reply = await exchange(code)
                    answered.add()
                    return reply
                }
            }
            // Once the first half is being answered, the signal, and the second half with it.
            for _ in 0..<200 where answered.value == 0 { try? await Task.sleep(for: .milliseconds(25)) }
            server.process.signal(signal)
            for code in codes.suffix(32) { group.addTask { await exchange(code) } }
            return await group.reduce(into: [TestHTTP.Reply]()) { if let reply = $1 { $0.append(reply) } }
        }
        let status = server.process.wait()
        #expect(status == 0, "exit status \(status):\n\(server.log.suffix(2000))")
        #expect(!answers.contains { $0.status >= 500 && $0.status != 503 }, "\(answers.map(\.status))")
        let issued = answers.filter { $0.status == 200 }
        #expect(!issued.isEmpty)

        let restarted = try KeyfobProcess.Server(database: database.url)
        defer { restarted.stop() }
        try await restarted.waitUntilReady()
        for pair in issued {
            let user = try await TestHTTP.send(
                .GET,
                restarted.baseURL + "/v2.0/user",
                headers: [("Authorization", "Bearer \(pair.json["access_token"] as? String ?? "")")]
            )
            #expect(user.status == 200, "a token answered 200 before the shutdown is gone")
        }
    }
}

/// How many exchanges have been answered so far.
final class AnswerCount: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
