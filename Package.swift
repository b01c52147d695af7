// swift-tools-version:6.0
import Foundation
import PackageDescription

// scripts/package sets TRAILPROOF_SOURCE_REVISION to the git commit it builds, and
// `trailproof --version` prints it; a plain `swift build` says "unknown revision". Only a
// hexadecimal commit, optionally marked "-dirty", is taken.
let sourceRevision = ProcessInfo.processInfo.environment["TRAILPROOF_SOURCE_REVISION"].flatMap { value -> String? in
    let commit = value.hasSuffix("-dirty") ? String(value.dropLast("-dirty".count)) : value
    guard (7...64).contains(commit.count), commit.allSatisfy({ "0123456789abcdef".contains($0) }) else { return nil }
    return value
}

// Linux (glibc) only: nothing is built or tested elsewhere (see README, "Install").
let package = Package(
    name: "trailproof",
    products: [
        .library(name: "TrailproofKit", targets: ["TrailproofKit"]),
        .executable(name: "trailproof", targets: ["trailproof"]),
        .executable(name: "trailproof-gen", targets: ["trailproof-gen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The only C in the package: OpenSSL libcrypto, zlib and libcurl, with shims where
        // Swift cannot call them directly (macros, variadic functions).
        .target(
            name: "CTrailproof",
            cSettings: sourceRevision.map { [.define("TRAILPROOF_SOURCE_REVISION", to: "\"\($0)\"")] } ?? [],
            linkerSettings: [
                .linkedLibrary("crypto"),
                .linkedLibrary("z"),
                .linkedLibrary("curl"),
            ]
        ),
        // The only Swift target that imports C: hashes, RSA, gzip, HTTP.
        .target(name: "TrailproofNative", dependencies: ["CTrailproof"]),
        // The verification engine.
        .target(name: "TrailproofKit", dependencies: ["TrailproofNative"]),
        // Writes realistic signed trails for tests, fixtures and benchmarks.
        .target(
            name: "TrailproofTrailGen", dependencies: ["TrailproofKit", "TrailproofNative"],
            // 453 real CloudTrail records (see Fixtures/real-data/README.md) mixed into generated log files.
            resources: [.copy("Resources/cloudtrail-records.jsonl")]
        ),
        .executableTarget(
            name: "trailproof",
            dependencies: ["TrailproofKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "trailproof-gen",
            dependencies: ["TrailproofTrailGen", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // What every test target shares: the one process runner (timeout, process group, bytes
        // out), locating the built executables, and pinned expected outputs.
        .target(name: "TrailproofTestSupport", path: "Tests/TrailproofTestSupport"),
        .testTarget(name: "TrailproofNativeTests", dependencies: ["TrailproofNative", "TrailproofTestSupport"]),
        .testTarget(
            name: "TrailproofKitTests",
            dependencies: ["TrailproofKit", "TrailproofTrailGen", "TrailproofNative", "TrailproofTestSupport"]
        ),
        .testTarget(
            name: "TrailproofCLITests",
            // `trailproof` itself for the defaults its options give the engine (RunOptions).
            dependencies: ["TrailproofKit", "TrailproofTrailGen", "TrailproofNative", "TrailproofTestSupport", "trailproof"]
        ),
        // Against real servers started by scripts/test: moto's S3, a CloudTrail stand-in, the AWS CLI.
        .testTarget(
            name: "TrailproofS3Tests",
            dependencies: ["TrailproofKit", "TrailproofTrailGen", "TrailproofNative", "TrailproofTestSupport"]
        ),
    ]
)
