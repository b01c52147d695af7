import Foundation
import Testing
import TrailproofTestSupport

/// scripts/hostile-s3.py in one of its modes, for one test: it stops when the value is released,
/// when the test process exits, or after `lifetime` seconds.
final class HostileS3 {
    let process: RunningProcess
    let port: Int

    /// `http://127.0.0.1:PORT`: give it to trailproof as --endpoint-url.
    var url: String { "http://127.0.0.1:\(port)" }

    /// Starts `hostile-s3.py MODE ARGUMENTS…` and waits until it listens.
    init(_ mode: String, _ arguments: [String] = [], lifetime: Int = 90) throws {
        process = try ProcessRunner.start("python3", [TrailproofBinary.packageRoot + "/scripts/hostile-s3.py", mode,
                                                      "--max-lifetime", "\(lifetime)"] + arguments)
        let line = process.firstLineOfStandardOutput(timeout: 30)
        guard let port = line.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            process.stop()
            throw HostileServerError(message: "hostile-s3.py \(mode) printed \(line.debugDescription): \(process.standardErrorSoFar)")
        }
        self.port = port
    }

    deinit { process.stop() }

    struct HostileServerError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Runs `trailproof ARGUMENTS… --endpoint-url URL` with throwaway credentials; also returns
    /// how many seconds it took.
    func runTrailproof(_ arguments: [String], environment: [String: String?] = [:], timeout: TimeInterval = 60,
                       scratch: String) throws -> (run: ExternalCommand.Run, seconds: Double) {
        let binary = try #require(TrailproofBinary.path)
        var merged: [String: String?] = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_PROFILE": nil,
                                         "AWS_CONFIG_FILE": scratch + "/none", "AWS_SHARED_CREDENTIALS_FILE": scratch + "/none"]
        for (name, value) in environment { merged[name] = value }
        let started = Date()
        let run = try ExternalCommand.run([binary] + arguments + ["--endpoint-url", url, "--region", "us-east-1"],
                                          environment: merged, timeout: timeout)
        return (run, Date().timeIntervalSince(started))
    }
}
