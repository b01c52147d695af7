/// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (botocore's EnvProvider).
struct EnvironmentCredentialProvider: CredentialProvider {
    let context: CredentialContext
    var name: String { "environment" }

    func skipReason() -> String? {
        context.variable("AWS_ACCESS_KEY_ID") == nil ? "AWS_ACCESS_KEY_ID is not set" : nil
    }

    func fetch() throws -> FetchedCredentials {
        guard let id = context.variable("AWS_ACCESS_KEY_ID") else { throw CredentialError(source: name, "AWS_ACCESS_KEY_ID is not set") }
        guard let secret = context.variable("AWS_SECRET_ACCESS_KEY") else {
            throw CredentialError(source: name, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        }
        return FetchedCredentials(credentials: AWSCredentials(accessKeyID: id, secretAccessKey: secret,
                                                              sessionToken: context.variable("AWS_SESSION_TOKEN"), source: name))
    }
}
