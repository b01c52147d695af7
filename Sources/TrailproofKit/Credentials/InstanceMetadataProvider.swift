import TrailproofNative

/// The EC2 instance role, over IMDSv2 only: a session token by PUT, then the role's name and
/// credentials by GET with that token. Off when AWS_EC2_METADATA_DISABLED is true; the endpoint
/// is AWS_EC2_METADATA_SERVICE_ENDPOINT, the profile's `ec2_metadata_service_endpoint`, or
/// http://169.254.169.254. Time limits are short (1 s to connect, 2 s in all), so a machine
/// without a metadata service is not held up.
struct InstanceMetadataProvider: CredentialProvider {
    let context: CredentialContext

    var name: String { "instance role" }

    func skipReason() -> String? {
        context.variable("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" ? "AWS_EC2_METADATA_DISABLED is true" : nil
    }

    var endpoint: String {
        let base = context.variable("AWS_EC2_METADATA_SERVICE_ENDPOINT") ?? context.profile(context.profileName)?["ec2_metadata_service_endpoint"]
            ?? "http://169.254.169.254"
        return base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    /// True when the failure means no metadata service is there: the chain then moves on.
    static func isUnreachable(_ error: CredentialError) -> Bool { error.message.hasPrefix("no instance metadata service") }

    private func get(_ path: String, headers: [(name: String, value: String)], method: String = "GET") throws -> (Int, [UInt8]) {
        do {
            let answer = try CredentialHTTP.exchange(HTTPRequest(method: method, url: endpoint + path, headers: headers), source: name,
                                                     connectSeconds: 1, totalSeconds: 2, attempts: 1, limit: 64 << 10)
            return (answer.status, answer.body)
        } catch let error as CredentialError {
            throw error
        } catch {
            throw CredentialError(source: name, "no instance metadata service answered at \(endpoint): \(CredentialHTTP.describe(error))")
        }
    }

    func fetch() throws -> FetchedCredentials {
        let (tokenStatus, tokenBody) = try get("/latest/api/token", headers: [("X-aws-ec2-metadata-token-ttl-seconds", "21600")], method: "PUT")
        guard tokenStatus == 200, !tokenBody.isEmpty else {
            throw CredentialError(source: name, "no instance metadata service answered at \(endpoint): the IMDSv2 token request got HTTP \(tokenStatus)")
        }
        let token = String(decoding: tokenBody, as: UTF8.self).trimmingWhitespace
        let headers: [(name: String, value: String)] = [("X-aws-ec2-metadata-token", token)]
        let (roleStatus, roleBody) = try get("/latest/meta-data/iam/security-credentials/", headers: headers)
        guard roleStatus == 200,
              let role = String(decoding: roleBody, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init),
              !role.isEmpty, !role.contains("/") else {
            throw CredentialError(source: name, "the instance at \(endpoint) has no IAM role (HTTP \(roleStatus))")
        }
        let (status, body) = try get("/latest/meta-data/iam/security-credentials/\(SigV4Signer.uriEncode(role))", headers: headers)
        guard status == 200 else {
            throw CredentialError(source: name, "the instance metadata service at \(endpoint) gave no credentials for role \(role) (HTTP \(status))")
        }
        if let code = (try? StrictJSON.parse(body))?.objectValue?["Code"]?.stringValue, code != "Success" {
            throw CredentialError(source: name, "the instance metadata service at \(endpoint) answered Code \(code) for role \(role)")
        }
        return try ContainerCredentialProvider.parse(body, source: name)
    }
}
