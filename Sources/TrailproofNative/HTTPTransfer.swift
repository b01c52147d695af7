internal import CTrailproof

/// One HTTP request, as trailproof sends them (small bodies only).
public struct HTTPRequest: Sendable {
    /// GET, HEAD, POST, …
    public var method: String
    /// The full URL.
    public var url: String
    /// Header lines to send, in order.
    public var headers: [(name: String, value: String)]
    /// The request body.
    public var body: [UInt8]

    /// Creates a request.
    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// The status and headers of a response. Header names are lower-cased.
public struct HTTPResponseHead: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Response headers by lower-cased name (the last value wins).
    public var headers: [String: String]
    /// The body of a non-2xx response (at most 64 KiB); 2xx bodies go to the caller's sink.
    public var errorBody: [UInt8]
}

/// Why a transfer failed below HTTP: no connection, a timeout, a reset, a truncated body.
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    /// libcurl's CURLcode.
    public let code: Int
    /// libcurl's explanation.
    public let message: String
    /// The URL concerned.
    public let url: String

    /// True for failures worth retrying (timeouts, resets, refused or truncated transfers).
    public var isTransient: Bool {
        // 6 couldn't resolve host, 7 couldn't connect, 18 partial file, 28 timeout, 35 TLS connect,
        // 52 empty reply, 55 send error, 56 receive error, 92 HTTP/2 stream error.
        [6, 7, 18, 28, 35, 52, 55, 56, 92].contains(code)
    }

    public var description: String { "\(message) (curl error \(code))" }
}

/// Time limits of a transfer.
public struct HTTPTimeouts: Sendable {
    /// Seconds to establish a connection.
    public var connect: Int = 10
    /// Seconds from the start of a transfer (or from the last byte of the request body sent)
    /// until the response's status line arrives: a server that accepts the connection and never
    /// answers is abandoned after this.
    public var response: Int = 10
    /// A transfer slower than `lowSpeedBytesPerSecond` (libcurl's average over its last few
    /// seconds) for this many seconds on end is abandoned: a stall, or a trickle.
    public var stall: Int = 30
    /// The slowest rate accepted for `stall` seconds (libcurl's CURLOPT_LOW_SPEED_LIMIT).
    public var lowSpeedBytesPerSecond: Int = 1024
    /// Milliseconds the whole transfer may take (CURLOPT_TIMEOUT_MS); nil for no limit.
    public var totalMilliseconds: Int?

    /// Default limits.
    public init() {}
}

/// One libcurl easy handle: performs requests one at a time and keeps its connections alive
/// between them. Not thread-safe; keep one per thread (or in a pool).
public final class HTTPTransfer {
    private let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// libcurl's explanation of a failure (CURLOPT_ERRORBUFFER), e.g. how slow a transfer was.
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    /// Creates a handle. libcurl's global state is initialised once per process.
    public init() throws {
        _ = HTTPTransfer.globalInit
        guard let handle = curl_easy_init() else { throw NativeError(.curl, "create a transfer handle") }
        self.handle = handle
    }

    deinit {
        curl_slist_free_all(headerList)
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Performs `request`, handing a 2xx response's body to `sink` in chunks as it arrives.
    /// - Throws: `HTTPTransportError` for transport failures; what `sink` throws.
    public func perform(_ request: HTTPRequest, timeouts: HTTPTimeouts = HTTPTimeouts(),
                        sink: (UnsafeRawBufferPointer) throws -> Void) throws -> HTTPResponseHead {
        try withoutActuallyEscaping(sink) { sink in
            let context = TransferContext(sink: sink, responseTimeout: timeouts.response)
            let unmanaged = Unmanaged.passRetained(context)
            defer { unmanaged.release() }
            curl_easy_reset(handle)
            curl_slist_free_all(headerList)
            headerList = nil
            for header in request.headers {
                headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
            }
            // Without this, libcurl adds "Expect: 100-continue" to bodies and "Accept: */*".
            headerList = curl_slist_append(headerList, "Expect:")
            try set(CURLOPT_URL, request.url)
            try set(CURLOPT_NOSIGNAL, 1)
            try set(CURLOPT_CONNECTTIMEOUT, timeouts.connect)
            try set(CURLOPT_LOW_SPEED_LIMIT, max(1, timeouts.lowSpeedBytesPerSecond))
            try set(CURLOPT_LOW_SPEED_TIME, max(1, timeouts.stall))
            if let total = timeouts.totalMilliseconds { try set(CURLOPT_TIMEOUT_MS, max(1, total)) }
            errorBuffer.initialize(to: 0)
            try check(CTrailproof_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "set error buffer")
            try set(CURLOPT_NOPROGRESS, 0)
            try set(CURLOPT_FOLLOWLOCATION, 0)
            try set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
            try check(CTrailproof_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList), "set headers")
            switch request.method {
            case "GET": try set(CURLOPT_HTTPGET, 1)
            case "HEAD": try set(CURLOPT_NOBODY, 1)
            default:
                try set(CURLOPT_CUSTOMREQUEST, request.method)
            }
            let result: CURLcode = try request.body.withUnsafeBufferPointer { body in
                if request.method != "GET" && request.method != "HEAD" {
                    try set(CURLOPT_POSTFIELDSIZE, body.count)
                    try check(CTrailproof_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS,
                                                             UnsafeMutableRawPointer(mutating: body.baseAddress)), "set body")
                }
                try check(CTrailproof_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, transferWriteCallback), "set write callback")
                try check(CTrailproof_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, unmanaged.toOpaque()), "set write context")
                try check(CTrailproof_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, transferHeaderCallback), "set header callback")
                try check(CTrailproof_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, unmanaged.toOpaque()), "set header context")
                try check(CTrailproof_curl_setopt_progress(handle, transferProgressCallback), "set progress callback")
                try check(CTrailproof_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, unmanaged.toOpaque()), "set progress context")
                return curl_easy_perform(handle)
            }
            if let error = context.sinkError { throw error }
            if context.answerOverdue {
                // Reported as a timeout (curl error 28): retried like one.
                throw HTTPTransportError(code: Int(CURLE_OPERATION_TIMEDOUT.rawValue),
                                         message: "no answer within \(timeouts.response) s of the request", url: request.url)
            }
            guard result == CURLE_OK else {
                let detail = String(cString: errorBuffer)
                throw HTTPTransportError(code: Int(result.rawValue),
                                         message: detail.isEmpty ? String(cString: curl_easy_strerror(result)) : detail, url: request.url)
            }
            var status = 0
            _ = CTrailproof_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            return HTTPResponseHead(status: status, headers: context.headers, errorBody: context.errorBody)
        }
    }

    private func set(_ option: CURLoption, _ value: Int) throws {
        try check(CTrailproof_curl_setopt_long(handle, option, value), "set option \(option.rawValue)")
    }

    private func set(_ option: CURLoption, _ value: String) throws {
        try check(CTrailproof_curl_setopt_string(handle, option, value), "set option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ operation: String) throws {
        guard code == CURLE_OK else {
            throw NativeError(.curl, operation, detail: String(cString: curl_easy_strerror(code)))
        }
    }
}

/// State shared with the C callbacks of one transfer.
private final class TransferContext {
    let sink: (UnsafeRawBufferPointer) throws -> Void
    var status = 0
    var headers: [String: String] = [:]
    var errorBody: [UInt8] = []
    var sinkError: Error?
    /// How long the answer may take to begin, from the start or from the last body byte sent.
    let responseTimeout: Duration
    /// When the response's status line must have arrived by.
    var answerDeadline: ContinuousClock.Instant
    /// Request body bytes sent so far, as the progress callback last saw them.
    var uploaded: Int64 = 0
    /// Set when the progress callback abandoned a transfer that got no answer in time.
    var answerOverdue = false

    init(sink: @escaping (UnsafeRawBufferPointer) throws -> Void, responseTimeout: Int) {
        self.sink = sink
        self.responseTimeout = .seconds(max(1, responseTimeout))
        answerDeadline = .now + self.responseTimeout
    }
}

/// Called by libcurl about once a second (and as data moves): abandons a transfer whose
/// response has not begun by its deadline (which moves on while the request body is still
/// being sent; the low-speed limit watches that).
private let transferProgressCallback: CTrailproof_curl_progress_callback = { context, _, _, _, uploadNow in
    guard let context else { return 0 }
    let transfer = Unmanaged<TransferContext>.fromOpaque(context).takeUnretainedValue()
    guard transfer.status == 0 else { return 0 }
    let now = ContinuousClock.now
    if Int64(uploadNow) != transfer.uploaded {
        transfer.uploaded = Int64(uploadNow)
        transfer.answerDeadline = now + transfer.responseTimeout
        return 0
    }
    guard now >= transfer.answerDeadline else { return 0 }
    transfer.answerOverdue = true
    return 1
}

private let transferWriteCallback: CTrailproof_curl_data_callback = { data, size, count, context in
    guard let context, let data else { return 0 }
    let transfer = Unmanaged<TransferContext>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let chunk = UnsafeRawBufferPointer(start: data, count: length)
    if (200..<300).contains(transfer.status) {
        do {
            try transfer.sink(chunk)
        } catch {
            transfer.sinkError = error
            return 0  // makes libcurl abort with CURLE_WRITE_ERROR
        }
    } else if transfer.errorBody.count < 64 * 1024 {
        transfer.errorBody.append(contentsOf: chunk.prefix(64 * 1024 - transfer.errorBody.count))
    }
    return length
}

private let transferHeaderCallback: CTrailproof_curl_data_callback = { data, size, count, context in
    guard let context, let data else { return 0 }
    let transfer = Unmanaged<TransferContext>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    if line.hasPrefix("HTTP/") {
        // A new response (after 100 Continue, or the first): start its headers afresh.
        transfer.headers = [:]
        let parts = line.split(separator: " ")
        transfer.status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
    } else if let colon = line.firstIndex(of: ":"), line[..<colon].utf8.allSatisfy({ (0x21...0x7E).contains($0) }) {
        // A header name is an ASCII token: one that is not is no header (a name is never folded
        // onto another by Unicode case mapping or equivalence), and ASCII is lowered alone.
        let name = String(decoding: line[..<colon].utf8.map { (0x41...0x5A).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
        let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t\r\n")
        // A repeated header is joined as HTTP defines (RFC 9110 5.3), never silently replaced.
        transfer.headers[name] = transfer.headers[name].map { $0 + ", " + value } ?? value
    }
    return length
}

private extension Substring {
    func trimmingCharacters(in characters: String) -> String {
        var slice = self
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
