import Foundation
import KeyfobClient
import KeyfobCore
import KeyfobTestSupport
import Synchronization
import Testing

/// `requestDeviceCode` and `pollDeviceToken` against a live Keyfob: the poll waits `interval`,
/// 5 s more after a `slow_down`, and ends with the pair, or with the server's refusal.
@Suite("KeyfobClient device grant")
struct DeviceClientInteropTests {
    func client(_ server: TestServer, _ app: Fixtures.App) -> AuthClient {
        AuthClient(clientID: app.id, clientSecret: app.secret, redirectURI: Fixtures.redirectURI, mode: .test, origins: .keyfob(server.baseURL))
    }

    @Test func pollingHonoursTheIntervalAndSlowDown() async throws {
        try await TestServer.with { server in
            let app = try await server.deviceApp()
            let sdk = client(server, app)
            let code = try await sdk.requestDeviceCode(scope: ["read_vin", "required:read_odometer"])
            #expect(code.userCode.count == 9 && code.interval == 5 && code.expiresIn == 600)
            #expect(code.verificationURIComplete == server.baseURL + "/oauth/device?user_code=" + code.userCode)

            let waits = Mutex<[Duration]>([])
            let access = try await sdk.pollDeviceToken(code) { wait in
                let count = waits.withLock {
                    $0.append(wait)
                    return $0.count
                }
                switch count {
                // The second wait is cut short: the server answers slow_down.
                case 2: server.clock.advance(by: 1)
                // The owner approves during the third.
                case 3:
                    _ = try await server.approveDevice(userCode: code.userCode)
                    server.clock.advance(by: TimeInterval(wait.components.seconds))
                default: server.clock.advance(by: TimeInterval(wait.components.seconds))
                }
            }
            #expect(waits.withLock { $0 } == [.seconds(5), .seconds(5), .seconds(10)])
            #expect(try await sdk.api.user(accessToken: access.accessToken).isEmpty == false)
        }
    }

    @Test func aDenialEndsThePollWithTheServersError() async throws {
        try await TestServer.with { server in
            let app = try await server.deviceApp()
            let sdk = client(server, app)
            let code = try await sdk.requestDeviceCode(scope: [])
            _ = try await server.approveDevice(userCode: code.userCode, allow: false)
            await #expect(throws: KeyfobClientError.self) {
                _ = try await sdk.pollDeviceToken(code) { server.clock.advance(by: TimeInterval($0.components.seconds)) }
            }
            do {
                _ = try await sdk.pollDeviceToken(code) { server.clock.advance(by: TimeInterval($0.components.seconds)) }
            } catch KeyfobClientError.oauth(let failure) {
                #expect(failure.code == "access_denied")
            }
            // An app not registered for the grant is told so when it asks.
            let plain = client(server, try await server.fixtures.app())
            do {
                _ = try await plain.requestDeviceCode(scope: [])
                Issue.record("an app without the device grant got a device code")
            } catch KeyfobClientError.oauth(let failure) {
                #expect(failure.code == "unauthorized_client")
            }
        }
    }
}
