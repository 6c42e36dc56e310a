import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1.1 child channel, with the connection bounds a public server needs: a
/// client that sends half a head, or a body it never finishes, or that sits idle on a kept-alive
/// connection, is closed after a bounded time, and an HTTP/1.0 connection closes after its answer
/// unless the client asked to keep it (RFC 9112 §9.3).
struct KeyfobHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let timeouts: ConnectionTimeouts

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false,
                withErrorHandling: false,
                withOutboundHeaderValidation: false
            )
            try pipeline.addHandler(HTTP10KeepAliveHandler())
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandler(RequestBodyDeadlineHandler(deadline: timeouts.body))
            // Closes a connection that has not delivered a whole head within the idle time (its
            // clock starts at connect, and again after each answer) or stalls mid-body.
            try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: .init(timeouts.idle), logger: logger))
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

/// How long a connection may take to deliver each part of a request.
public struct ConnectionTimeouts: Sendable {
    /// From connect, or from the previous answer, to a whole request head; also how long a
    /// kept-alive connection may sit idle, and the longest pause inside a body.
    public var idle: Duration
    /// From the head to the end of its body, however slowly the bytes trickle in.
    public var body: Duration

    /// Makes the bounds.
    public init(idle: Duration = .seconds(15), body: Duration = .seconds(15)) {
        self.idle = idle
        self.body = body
    }
}

/// An HTTP/1.0 request without `Connection: keep-alive` ends its connection (RFC 9112 §9.3).
/// Hummingbird closes after an answer when the request says `Connection: close`, so this handler
/// says it for such requests, before the head becomes a version-less `HTTPRequest`.
final class HTTP10KeepAliveHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), head.version.major == 1, head.version.minor == 0 else {
            context.fireChannelRead(data)
            return
        }
        let keepAlive = head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "keep-alive" }
        if !keepAlive {
            head.headers.replaceOrAdd(name: "Connection", value: "close")
        }
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}

/// Closes a connection whose request body has not ended within `deadline` of its head, so that a
/// body trickled a byte at a time cannot hold a connection for hours.
final class RequestBodyDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let deadline: TimeAmount
    /// When the head of a request whose end has not arrived yet came in.
    private var bodyStartedAt: NIODeadline?
    private var timer: Scheduled<Void>?

    init(deadline: Duration) { self.deadline = .init(deadline) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            stopTimer()
            bodyStartedAt = .now()
        case .body:
            break
        case .end:
            bodyStartedAt = nil
            stopTimer()
        }
        context.fireChannelRead(data)
    }

    /// Only a request still unfinished when a read ends needs the timer: almost every request
    /// arrives whole in one read, so the token path schedules nothing.
    func channelReadComplete(context: ChannelHandlerContext) {
        if let bodyStartedAt, timer == nil {
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(deadline: bodyStartedAt + deadline) { loopBound.value.close(promise: nil) }
        }
        context.fireChannelReadComplete()
    }

    func handlerRemoved(context: ChannelHandlerContext) { stopTimer() }

    func channelInactive(context: ChannelHandlerContext) {
        stopTimer()
        context.fireChannelInactive()
    }

    private func stopTimer() {
        timer?.cancel()
        timer = nil
    }
}
