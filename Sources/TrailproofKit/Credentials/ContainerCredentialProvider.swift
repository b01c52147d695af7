import TrailproofNative

/// The container credentials endpoint of ECS, AWS Batch and EKS Pod Identity:
/// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (under http://169.254.170.2) or
/// AWS_CONTAINER_CREDENTIALS_FULL_URI (https anywhere; http only to a loopback address or the
/// hosts the SDKs allow), with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read on every fetch) or
/// AWS_CONTAINER_AUTHORIZATION_TOKEN as the Authorization header.
struct ContainerCredentialProvider: CredentialProvider {
    let context: CredentialContext

    var name: String { "container credentials" }

    /// The hosts botocore allows over plain http besides loopback addresses.
    static let allowedHosts = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "[fd00:ec2::23]", "localhost"]

    func skipReason() -> String? {
        context.variable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") == nil && context.variable("AWS_CONTAINER_CREDENTIALS_FULL_URI") == nil
            ? "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set" : nil
    }

    /// The endpoint to ask.
    func url() throws -> String {
        if let relative = context.variable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            return "http://169.254.170.2" + (relative.hasPrefix("/") ? relative : "/" + relative)
        }
        guard let full = context.variable("AWS_CONTAINER_CREDENTIALS_FULL_URI"), let parsed = ParsedURL(full) else {
            throw CredentialError(source: name, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL")
        }
        let scheme = parsed.scheme.lowercased()
        if scheme == "https" { return full }
        guard scheme == "http", ContainerCredentialProvider.isAllowed(host: parsed.host.lowercased()) else {
            throw CredentialError(source: name, "AWS_CONTAINER_CREDENTIALS_FULL_URI host \(parsed.host) is not allowed over http: "
                + "only a loopback address or \(ContainerCredentialProvider.allowedHosts.joined(separator: ", ")) (or use https)")
        }
        return full
    }

    /// Loopback addresses (127.0.0.0/8, ::1) and the hosts of `allowedHosts`.
    static func isAllowed(host: String) -> Bool {
        if allowedHosts.contains(host) || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in UInt8(part).map { String($0) == part } ?? false }
    }

    private func authorization() throws -> String? {
        var token: String?
        if let path = context.variable("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            guard let bytes = try? LocalFile.readAll(path, limit: 64 << 10) else {
                throw CredentialError(source: name, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(path)")
            }
            // Used as read, as botocore does: a line break in it is refused below, not trimmed.
            token = String(decoding: bytes, as: UTF8.self)
        } else {
            token = context.variable("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        }
        if let token, token.contains("\r") || token.contains("\n") {
            throw CredentialError(source: name, "the container authorization token contains a line break")
        }
        return token
    }

    func fetch() throws -> FetchedCredentials {
        let url = try url()
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let token = try authorization() { headers.append(("Authorization", token)) }
        let answer: CredentialHTTP.Answer
        do {
            answer = try CredentialHTTP.exchange(HTTPRequest(method: "GET", url: url, headers: headers), source: name,
                                                 connectSeconds: 2, totalSeconds: 5, attempts: 3, limit: 64 << 10)
        } catch let error as CredentialError {
            throw error
        } catch {
            throw CredentialError(source: name, "no credentials from \(url): \(CredentialHTTP.describe(error))")
        }
        guard answer.status == 200 else { throw CredentialError(source: name, "no credentials from \(url): HTTP \(answer.status)") }
        return try ContainerCredentialProvider.parse(answer.body, source: name)
    }

    /// The credentials in an answer of the container or instance metadata endpoint.
    static func parse(_ body: [UInt8], source: String) throws -> FetchedCredentials {
        guard let object = (try? StrictJSON.parse(body))?.objectValue,
              let id = object["AccessKeyId"]?.stringValue, !id.isEmpty, let secret = object["SecretAccessKey"]?.stringValue, !secret.isEmpty,
              let token = object["Token"]?.stringValue, let expirationText = object["Expiration"]?.stringValue,
              let expiration = UTCTime(parsing: expirationText) else {
            throw CredentialError(source: source, "malformed credentials answer (AccessKeyId, SecretAccessKey, Token and Expiration are required)")
        }
        return FetchedCredentials(credentials: AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token, source: source),
                                  expiration: expiration)
    }
}
