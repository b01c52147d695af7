internal import CTrailproof

/// Drains OpenSSL's thread-local error queue into one readable string.
func drainOpenSSLErrors() -> String {
    var messages: [String] = []
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return messages.joined(separator: "; ")
}

/// The one choke point that turns an OpenSSL return code into a thrown `NativeError`.
func checkOpenSSL(_ result: Int32, _ operation: String) throws {
    guard result == 1 else {
        throw NativeError(.openssl, operation, detail: drainOpenSSLErrors())
    }
}
