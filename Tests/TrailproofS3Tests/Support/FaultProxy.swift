import Foundation
import Testing
import TrailproofNative
import TrailproofTestSupport

/// scripts/fault-proxy.py in front of an S3 server, for one test: its own port, rules and request log.
/// It stops when the value is released (and by itself when the test process exits).
final class FaultProxy {
    /// One request the proxy saw.
    struct Entry {
        let method: String
        let path: String
        let query: String
        /// pass, error, drop, stall, close, delay.
        let action: String
        let status: Int?
    }

    let process: RunningProcess
    let port: Int
    private let scratch: String

    /// `http://127.0.0.1:PORT`: give it to trailproof as --endpoint-url.
    var url: String { "http://127.0.0.1:\(port)" }

    /// Starts the proxy in front of `upstream` (waits until it listens).
    init(upstream: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        scratch = FileManager.default.temporaryDirectory.path + "/trailproof-fault-proxy-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let portFile = scratch + "/port"
        process = try ProcessRunner.start("python3", [FaultTestCLI.packageRoot + "/scripts/fault-proxy.py", upstream,
                                                      "--port-file", portFile, "--parent-pid", "\(getpid())", "--max-lifetime", "900"])
        let deadline = Date().addingTimeInterval(15)
        var found: Int?
        while found == nil && Date() < deadline && process.isRunning {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8) {
                found = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            if found == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        guard let found else {
            let log = process.standardErrorSoFar
            process.stop()
            throw ProxyError(message: "fault-proxy.py did not start: \(log)")
        }
        port = found
    }

    deinit {
        process.stop()
        try? FileManager.default.removeItem(atPath: scratch)
    }

    struct ProxyError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Replaces the rules (see scripts/fault-proxy.py for their fields).
    func setRules(_ rules: [[String: Any]]) throws {
        _ = try control("PUT", "rules", body: try JSONSerialization.data(withJSONObject: rules))
    }

    /// Removes every rule: everything passes through.
    func clearRules() throws { try setRules([]) }

    /// Forgets the requests seen so far.
    func clearLog() throws { _ = try control("DELETE", "log") }

    /// Every request seen since the last `clearLog`, oldest first.
    func log() throws -> [Entry] {
        let bytes = try control("GET", "log")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        return entries.map {
            Entry(method: $0["method"] as? String ?? "", path: $0["path"] as? String ?? "", query: $0["query"] as? String ?? "",
                  action: $0["action"] as? String ?? "", status: $0["status"] as? Int)
        }
    }

    private func control(_ method: String, _ endpoint: String, body: Data = Data()) throws -> [UInt8] {
        var collected: [UInt8] = []
        let head = try HTTPTransfer().perform(HTTPRequest(method: method, url: "\(url)/__proxy__/\(endpoint)", body: Array(body))) {
            collected.append(contentsOf: $0)
        }
        guard head.status == 200 else {
            throw ProxyError(message: "fault-proxy \(method) \(endpoint): HTTP \(head.status) \(String(decoding: head.errorBody, as: UTF8.self))")
        }
        return collected
    }
}

extension FaultProxy.Entry {
    /// The object key, for a path-style request to `bucket`.
    func key(in bucket: String) -> String? {
        let prefix = "/\(bucket)/"
        guard path.hasPrefix(prefix), path.count > prefix.count else { return nil }
        return String(path.dropFirst(prefix.count))
    }
}
