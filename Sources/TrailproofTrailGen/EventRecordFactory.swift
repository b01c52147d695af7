import TrailproofKit

/// Makes CloudTrail event records of real shape: IAM, EC2, S3 and STS calls with userIdentity,
/// requestParameters, responseElements, eventID and the rest.
struct EventRecordFactory {
    typealias Value = JSONWriter.Value

    let accountID: String
    let region: String

    private static let userNames = ["alice", "bob", "ci-deployer", "terraform", "carol.admin", "backup-svc"]
    private static let roleNames = ["OrganizationAccountAccessRole", "AdminRole", "ReadOnly", "lambda-exec", "ecs-task"]
    private static let agents = [
        "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12 prompt/off command/ec2.describe-instances",
        "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69",
        "console.amazonaws.com",
        "Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0",
        "aws-sdk-go-v2/1.25.3 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/sts#1.28.4",
    ]

    /// One event at `time`.
    func event(at time: UTCTime, random: inout SeededGenerator) -> Value {
        let kind = Int.random(in: 0..<10, using: &random)
        let (source, name, readOnly, request, response): (String, String, Bool, Value, Value)
        switch kind {
        case 0:
            let user = random.pick(Self.userNames) + "-" + random.string(4, from: "0123456789")
            (source, name, readOnly) = ("iam.amazonaws.com", "CreateUser", false)
            request = .object([("userName", .string(user)), ("path", .string("/"))])
            response = .object([("user", .object([
                ("path", .string("/")), ("userName", .string(user)), ("userId", .string("AIDA" + random.string(17, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))),
                ("arn", .string("arn:aws:iam::\(accountID):user/\(user)")), ("createDate", .string(time.iso8601)),
            ]))])
        case 1:
            (source, name, readOnly) = ("iam.amazonaws.com", "AttachRolePolicy", false)
            request = .object([("roleName", .string(random.pick(Self.roleNames))),
                               ("policyArn", .string("arn:aws:iam::aws:policy/ReadOnlyAccess"))])
            response = .null
        case 2:
            let instance = "i-0" + random.string(16, from: "0123456789abcdef")
            (source, name, readOnly) = ("ec2.amazonaws.com", "RunInstances", false)
            request = .object([
                ("instancesSet", .object([("items", .array([.object([("imageId", .string("ami-0" + random.string(16, from: "0123456789abcdef"))),
                                                                        ("minCount", .number(1)), ("maxCount", .number(1))])]))])),
                ("instanceType", .string(random.pick(["t3.micro", "m6i.large", "c7g.xlarge"]))),
                ("blockDeviceMapping", .object([])), ("monitoring", .object([("enabled", .bool(false))])),
                ("disableApiTermination", .bool(false)), ("clientToken", .string(random.uuid())),
            ])
            response = .object([
                ("requestId", .string(random.uuid())), ("reservationId", .string("r-0" + random.string(16, from: "0123456789abcdef"))),
                ("ownerId", .string(accountID)),
                ("instancesSet", .object([("items", .array([.object([
                    ("instanceId", .string(instance)), ("instanceState", .object([("code", .number(0)), ("name", .string("pending"))])),
                    ("privateIpAddress", .string("10.0.\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 1...254, using: &random))")),
                    ("subnetId", .string("subnet-0" + random.string(16, from: "0123456789abcdef"))),
                ])]))])),
            ])
        case 3, 4:
            (source, name, readOnly) = ("ec2.amazonaws.com", "DescribeInstances", true)
            request = .object([("instancesSet", .object([])), ("filterSet", .object([]))])
            response = .null
        case 5:
            let bucket = "data-" + random.string(8, from: "abcdefghijklmnopqrstuvwxyz0123456789")
            (source, name, readOnly) = ("s3.amazonaws.com", random.pick(["GetBucketAcl", "GetBucketPolicy", "PutBucketPolicy"]), false)
            request = .object([("bucketName", .string(bucket)), ("Host", .string("\(bucket).s3.\(region).amazonaws.com")),
                               ("acl", .string(""))])
            response = .null
        case 6, 7:
            (source, name, readOnly) = ("sts.amazonaws.com", "AssumeRole", true)
            let role = random.pick(Self.roleNames)
            request = .object([("roleArn", .string("arn:aws:iam::\(accountID):role/\(role)")),
                               ("roleSessionName", .string("session-" + random.string(10, from: "0123456789"))),
                               ("durationSeconds", .number(3600))])
            response = .object([
                ("credentials", .object([("accessKeyId", .string("ASIA" + random.string(16, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))),
                                         ("sessionToken", .string(random.string(120))),
                                         ("expiration", .string(time.adding(seconds: 3600).iso8601))])),
                ("assumedRoleUser", .object([("assumedRoleId", .string("AROA" + random.string(17, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") + ":session")),
                                             ("arn", .string("arn:aws:sts::\(accountID):assumed-role/\(role)/session"))])),
            ])
        default:
            (source, name, readOnly) = ("sts.amazonaws.com", "GetCallerIdentity", true)
            request = .null
            response = .null
        }
        let awsRegion = source == "iam.amazonaws.com" ? "us-east-1" : region
        return .object([
            ("eventVersion", .string("1.09")),
            ("userIdentity", userIdentity(random: &random, at: time)),
            ("eventTime", .string(time.iso8601)),
            ("eventSource", .string(source)),
            ("eventName", .string(name)),
            ("awsRegion", .string(awsRegion)),
            ("sourceIPAddress", .string("\(Int.random(in: 3...223, using: &random)).\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 1...254, using: &random))")),
            ("userAgent", .string(random.pick(Self.agents))),
            ("requestParameters", request),
            ("responseElements", response),
            ("requestID", .string(random.uuid())),
            ("eventID", .string(random.uuid())),
            ("readOnly", .bool(readOnly)),
            ("eventType", .string("AwsApiCall")),
            ("managementEvent", .bool(true)),
            ("recipientAccountId", .string(accountID)),
            ("eventCategory", .string("Management")),
            ("tlsDetails", .object([("tlsVersion", .string("TLSv1.3")), ("cipherSuite", .string("TLS_AES_128_GCM_SHA256")),
                                    ("clientProvidedHostHeader", .string("\(source.split(separator: ".")[0]).\(awsRegion).amazonaws.com"))])),
        ])
    }

    private func userIdentity(random: inout SeededGenerator, at time: UTCTime) -> Value {
        if Bool.random(using: &random) {
            let user = random.pick(Self.userNames)
            return .object([
                ("type", .string("IAMUser")), ("principalId", .string("AIDA" + random.string(17, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))),
                ("arn", .string("arn:aws:iam::\(accountID):user/\(user)")), ("accountId", .string(accountID)),
                ("accessKeyId", .string("AKIA" + random.string(16, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))), ("userName", .string(user)),
            ])
        }
        let role = random.pick(Self.roleNames)
        let roleID = "AROA" + random.string(17, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return .object([
            ("type", .string("AssumedRole")), ("principalId", .string("\(roleID):session")),
            ("arn", .string("arn:aws:sts::\(accountID):assumed-role/\(role)/session")), ("accountId", .string(accountID)),
            ("accessKeyId", .string("ASIA" + random.string(16, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))),
            ("sessionContext", .object([
                ("sessionIssuer", .object([("type", .string("Role")), ("principalId", .string(roleID)),
                                           ("arn", .string("arn:aws:iam::\(accountID):role/\(role)")), ("accountId", .string(accountID)),
                                           ("userName", .string(role))])),
                ("attributes", .object([("creationDate", .string(time.adding(seconds: -900).iso8601)), ("mfaAuthenticated", .string("false"))])),
            ])),
        ])
    }

    /// A whole log file body: `{"Records":[…]}` with `count` events between `from` and `to`.
    func logFile(events count: Int, from: UTCTime, to: UTCTime, random: inout SeededGenerator) -> [UInt8] {
        let span = max(1, to.secondsSinceEpoch - from.secondsSinceEpoch)
        let times = (0..<count).map { _ in from.adding(seconds: Int64.random(in: 0..<span, using: &random)) }.sorted()
        var writer = JSONWriter(reserving: count * 1600)
        // About one event in four is a real CloudTrail record (nested objects, unicode, nulls, large
        // responseElements), its identity fields set to this trail's; the rest are made here.
        writer.write(.object([("Records", .array(times.map { time in
            if let real = RealRecords.all.isEmpty ? nil : Optional(RealRecords.all), Int.random(in: 0..<4, using: &random) == 0 {
                return .raw(RealRecords.adapt(random.pick(real), time: time, eventID: random.uuid().lowercased(),
                                              accountID: accountID, region: region))
            }
            return event(at: time, random: &random)
        }))]))
        return writer.bytes
    }
}
