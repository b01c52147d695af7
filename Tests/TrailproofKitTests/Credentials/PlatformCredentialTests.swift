import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// The examples in docs/batch get their credentials from what their platform provides: an AWS
/// Batch job role (the container credentials endpoint the ECS agent announces) and EKS IRSA
/// (a web identity token file and role ARN the pod identity webhook injects).
@Suite struct PlatformCredentialTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path + "/docs/batch"

    /// The first source that applies in `environment` (no network: fetching is not attempted).
    func firstSource(_ environment: [String: String]) throws -> (any CredentialProvider)? {
        let scratch = try ScratchDirectory("platform")
        defer { scratch.remove() }
        var full = environment
        full["HOME"] = scratch.path
        let chain = CredentialChain(context: CredentialContext(environment: full, profileFlag: nil, region: full["AWS_REGION"]))
        return chain.providers.first { $0.skipReason() == nil }
    }

    @Test func theBatchExampleUsesItsJobRoleThroughTheContainerEndpoint() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/aws-batch-array-job.json"))
        let definitions = try StrictJSON.parse(Array(data)).objectValue?["jobDefinitions"]?.arrayValue ?? []
        #expect(definitions.count == 2)
        for definition in definitions {
            let container = definition.objectValue?["containerProperties"]?.objectValue
            #expect(container?["jobRoleArn"]?.stringValue?.hasPrefix("arn:aws:iam::") == true)
            let names = (container?["environment"]?.arrayValue ?? []).compactMap { $0.objectValue?["name"]?.stringValue }
            #expect(!names.contains { $0.hasPrefix("AWS_ACCESS_KEY") || $0 == "AWS_PROFILE" })
        }
        // What the ECS agent sets in a Batch job with a job role.
        let source = try firstSource(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/6b5b2c4e", "AWS_EXECUTION_ENV": "AWS_ECS_EC2",
                                      "AWS_REGION": "eu-west-1", "AWS_BATCH_JOB_ARRAY_INDEX": "3"])
        let container = try #require(source as? ContainerCredentialProvider)
        #expect(try container.url() == "http://169.254.170.2/v2/credentials/6b5b2c4e")
    }

    @Test func theKubernetesExampleUsesIRSAWebIdentityWithRegionalSTS() throws {
        let yaml = String(decoding: try LocalFile.readAll(Self.folder + "/kubernetes-indexed-job.yaml", limit: 1 << 20), as: UTF8.self)
        #expect(yaml.components(separatedBy: "serviceAccountName: trailproof").count == 3)
        #expect(!yaml.contains("AWS_ACCESS_KEY_ID") && !yaml.contains("AWS_PROFILE"))
        // What the EKS pod identity webhook injects for a service account annotated with a role.
        let environment = ["AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/trailproof",
                           "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
                           "AWS_STS_REGIONAL_ENDPOINTS": "regional", "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1"]
        #expect(try firstSource(environment)?.name == "web identity")
        let context = CredentialContext(environment: environment, profileFlag: nil, region: "eu-west-1")
        #expect(context.stsEndpoint.url == "https://sts.eu-west-1.amazonaws.com")
    }

    @Test func eksPodIdentityIsAnAllowedContainerEndpoint() throws {
        let source = try firstSource(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
                                      "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"])
        let container = try #require(source as? ContainerCredentialProvider)
        #expect(try container.url() == "http://169.254.170.23/v1/credentials")
    }
}
