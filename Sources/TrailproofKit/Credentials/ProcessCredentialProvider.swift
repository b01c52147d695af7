import FoundationEssentials
import TrailproofNative

/// A profile's `credential_process`: the command is split as the AWS CLI splits it (POSIX shell
/// words, no shell run), its standard output must be JSON with `Version: 1`, `AccessKeyId`,
/// `SecretAccessKey` and optionally `SessionToken` and `Expiration`; its standard error goes to
/// trailproof's. A command that runs longer than `timeoutSeconds` is killed.
struct ProcessCredentialProvider: CredentialProvider {
    let context: CredentialContext
    let profileName: String
    var timeoutSeconds: Double = 60

    var name: String { "credential_process of profile \(profileName)" }

    func skipReason() -> String? {
        context.profile(profileName)?["credential_process"] == nil ? "profile \(profileName) has no credential_process" : nil
    }

    func fetch() throws -> FetchedCredentials {
        guard let command = context.profile(profileName)?["credential_process"] else {
            throw CredentialError(source: name, "no credential_process")
        }
        guard let words = ProcessCredentialProvider.split(command), let program = words.first else {
            throw CredentialError(source: name, "credential_process is empty or has an unterminated quote")
        }
        guard let executable = resolve(program) else {
            throw CredentialError(source: name, "credential_process program \(program) not found")
        }
        let outcome: ChildProcess.Outcome
        do {
            outcome = try ChildProcess.run(executable, arguments: Array(words.dropFirst()), environment: context.environment,
                                           timeoutSeconds: timeoutSeconds, outputLimit: 1 << 20)
        } catch let error as NativeError {
            throw CredentialError(source: name, "cannot run credential_process program \(program): \(error.detail)")
        }
        switch outcome.ending {
        case .exited(0): break
        case .timedOut:
            throw CredentialError(source: name, "credential_process did not finish within \(Int(timeoutSeconds)) s and was stopped")
        case .exited(let status):
            throw CredentialError(source: name, "credential_process exited with status \(status)")
        case .signalled(let signal):
            throw CredentialError(source: name, "credential_process was ended by signal \(signal)")
        case .statusLost:
            throw CredentialError(source: name, "credential_process ended, but its exit status was lost")
        }
        return try ProcessCredentialProvider.parse(outcome.output, source: name)
    }

    /// The credentials in a credential_process answer.
    static func parse(_ bytes: [UInt8], source: String) throws -> FetchedCredentials {
        guard let object = (try? StrictJSON.parse(bytes))?.objectValue else {
            throw CredentialError(source: source, "credential_process did not print a JSON object")
        }
        guard case .number(let version)? = object["Version"], version == "1" else {
            throw CredentialError(source: source, "credential_process answer has no \"Version\": 1 (the only version there is)")
        }
        guard let id = object["AccessKeyId"]?.stringValue, !id.isEmpty, let secret = object["SecretAccessKey"]?.stringValue, !secret.isEmpty else {
            throw CredentialError(source: source, "credential_process answer lacks AccessKeyId or SecretAccessKey")
        }
        var expiration: UTCTime?
        if let text = object["Expiration"]?.stringValue {
            guard let time = UTCTime(parsing: text) else {
                throw CredentialError(source: source, "credential_process answer has an unreadable Expiration")
            }
            expiration = time
        }
        return FetchedCredentials(credentials: AWSCredentials(accessKeyID: id, secretAccessKey: secret,
                                                              sessionToken: object["SessionToken"]?.stringValue, source: source),
                                  expiration: expiration)
    }

    private func resolve(_ program: String) -> String? {
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        for directory in (context.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Splits a command into words as Python's `shlex.split` (POSIX mode) does, which is how the
    /// AWS CLI splits credential_process: whitespace separates, '…' is literal, "…" honours
    /// backslash before " and \ only, and a backslash outside quotes escapes the next character.
    /// Returns nil for an unterminated quote or escape.
    static func split(_ command: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = Array(command).makeIterator()
        while let char = iterator.next() {
            switch char {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(current); current = ""; inWord = false }
            case "'":
                inWord = true
                var closed = false
                while let inner = iterator.next() {
                    if inner == "'" { closed = true; break }
                    current.append(inner)
                }
                if !closed { return nil }
            case "\"":
                inWord = true
                var closed = false
                while let inner = iterator.next() {
                    if inner == "\"" { closed = true; break }
                    if inner == "\\" {
                        guard let next = iterator.next() else { return nil }
                        if next == "\"" || next == "\\" { current.append(next) } else { current.append(inner); current.append(next) }
                        continue
                    }
                    current.append(inner)
                }
                if !closed { return nil }
            case "\\":
                inWord = true
                guard let next = iterator.next() else { return nil }
                current.append(next)
            default:
                inWord = true
                current.append(char)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
