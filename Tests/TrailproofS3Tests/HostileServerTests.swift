import Foundation
import Testing
import TrailproofNative
import TrailproofTrailGen

/// An S3 endpoint that misbehaves on purpose (`bench/static-s3.py --repeat-token`): whatever it
/// answers, the run ends with an error, never with a pass or a hang.
@Suite struct HostileServerTests {
    @Test func aListingThatRepeatsItsContinuationTokenEndsTheRunWithExitTwo() throws {
        let scratch = try ScratchDirectory("hostile-listing")
        defer { scratch.remove() }
        var spec = TrailSpec()
        spec.hours = 2
        let trail = try TrailGenerator.generate(spec, into: scratch.path)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", TrailproofBinary.packageRoot + "/bench/static-s3.py", trail.root, trail.bucket, "--repeat-token"]
        let output = Pipe()
        server.standardOutput = output
        try server.run()
        defer { server.terminate() }
        let portLine = output.fileHandleForReading.readLine()
        let port = try #require(Int(portLine.trimmingCharacters(in: .whitespacesAndNewlines)), "static-s3.py printed \(portLine)")
        let binary = try #require(TrailproofBinary.path)
        let run = try ExternalCommand.run(
            [binary, "verify", "s3://\(trail.bucket)", "--endpoint-url", "http://127.0.0.1:\(port)", "--public-keys", trail.publicKeysFile,
             "--region", "us-east-1"],
            environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_PROFILE": nil,
                          "AWS_CONFIG_FILE": scratch.path + "/none", "AWS_SHARED_CREDENTIALS_FILE": scratch.path + "/none"],
            timeout: 60)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("repeats a continuation token"), "\(run)")
    }
}

extension FileHandle {
    /// Reads up to and including the first newline (or to the end).
    func readLine() -> String {
        var bytes: [UInt8] = []
        while let byte = try? read(upToCount: 1), let first = byte.first {
            if first == UInt8(ascii: "\n") { break }
            bytes.append(first)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
