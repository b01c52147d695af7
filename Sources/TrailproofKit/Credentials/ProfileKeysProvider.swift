/// Keys written in a profile: `aws_access_key_id`, `aws_secret_access_key` and
/// `aws_session_token`, in the shared credentials file or (botocore's ConfigProvider) the config file.
struct ProfileKeysProvider: CredentialProvider {
    let context: CredentialContext
    let profileName: String
    let inCredentialsFile: Bool

    var name: String { "profile \(profileName) in the \(inCredentialsFile ? "credentials" : "config") file" }

    func skipReason() -> String? {
        context.profile(profileName, inCredentialsFile: inCredentialsFile)["aws_access_key_id"] == nil
            ? "no aws_access_key_id there" : nil
    }

    func fetch() throws -> FetchedCredentials {
        let settings = context.profile(profileName, inCredentialsFile: inCredentialsFile)
        guard let id = settings["aws_access_key_id"], !id.isEmpty, let secret = settings["aws_secret_access_key"], !secret.isEmpty else {
            throw CredentialError(source: name, "aws_access_key_id without aws_secret_access_key (partial credentials)")
        }
        return FetchedCredentials(credentials: AWSCredentials(accessKeyID: id, secretAccessKey: secret,
                                                              sessionToken: settings["aws_session_token"], source: name))
    }
}
