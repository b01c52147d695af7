import Foundation
import Testing

/// What `scripts/package` wrote into dist/ (scripts/test runs it before the suite), unpacked once
/// for the tests: the tarball into a folder, the OCI image's root filesystem with umoci.
enum PackagedArtifacts {
    /// dist/ in the package root.
    static let dist = BuiltBinary.packageRoot + "/dist"

    /// True under CI (`CI` set), where nothing here may be skipped: a missing package or a
    /// machine that cannot enter a root filesystem fails the tests instead.
    static let underCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "false" } ?? false

    /// The unpacked tarball and image, or why they are not there.
    static let unpacked: Result<Unpacked, Unavailable> = unpack()

    /// Why the packaged artifacts cannot be tested here.
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// The tarball's tree and the image's root filesystem, in a scratch folder of their own.
    struct Unpacked: Sendable {
        /// The top folder of the unpacked tarball (`trailproof-VERSION-linux-ARCH`).
        let tree: String
        /// The tarball's binary.
        var binary: String { tree + "/bin/trailproof" }
        /// The OCI image layout (`dist/trailproof-VERSION-oci`) and its tag.
        let layout: String
        let tag: String
        /// The image's root filesystem, unpacked by umoci.
        let rootfs: String
        /// How to enter `rootfs` as a container runtime would: new mount and PID namespaces with
        /// their own /proc, then chroot, as the image's user (root), else in an unprivileged user
        /// namespace (`unshare --map-root-user`).
        let namespaces: [String]
        let chroot: [String]
    }

    /// Enabled unless the machine cannot test the package (never skipped under CI, where the
    /// tests then fail saying why).
    static var testable: Bool { underCI || (try? unpacked.get()) != nil }

    /// The reason a test is skipped, shown by the test runner.
    static var skipReason: Comment {
        switch unpacked {
        case .success: return "packaged artifacts are testable"
        case .failure(let reason): return Comment(rawValue: reason.description)
        }
    }

    /// The binary recipes are run with: the packaged one where it was built, else the build tree's.
    static var recipeBinary: String? {
        if case .success(let unpacked) = unpacked { return unpacked.binary }
        if underCI { return nil }
        if case .success(let path) = BuiltBinary.location { return path }
        return nil
    }

    /// The source files of the shipped targets that import Foundation itself (not FoundationEssentials).
    static func shippedFilesImportingFoundation() -> [String] {
        var found: [String] = []
        for target in ["Sources/TrailproofNative", "Sources/TrailproofKit", "Sources/trailproof"] {
            let base = BuiltBinary.packageRoot + "/" + target
            for case let file as String in FileManager.default.enumerator(atPath: base)?.allObjects ?? [] where file.hasSuffix(".swift") {
                let lines = ((try? String(contentsOfFile: base + "/" + file, encoding: .utf8)) ?? "").split(separator: "\n")
                if lines.contains(where: { $0 == "import Foundation" || $0.hasPrefix("import Foundation ") }) { found.append(target + "/" + file) }
            }
        }
        return found.sorted()
    }

    /// Runs `arguments` inside the image's root filesystem, as its user, with `/` as the working directory.
    static func runInImage(_ unpacked: Unpacked, _ arguments: [String]) throws -> BuiltBinary.Run {
        try runInImage(unpacked, arguments, withProc: true)
    }

    /// Runs `arguments` inside the image's root filesystem, with or without a /proc mounted there.
    static func runInImage(_ unpacked: Unpacked, _ arguments: [String], withProc: Bool) throws -> BuiltBinary.Run {
        let proc = withProc ? ["--mount-proc=\(unpacked.rootfs)/proc"] : []
        let command = unpacked.namespaces + proc + unpacked.chroot + [unpacked.rootfs] + arguments
        return try BuiltBinary.run(program: command[0], Array(command.dropFirst()), timeout: 300, environment: ["PATH": "/nonexistent"])
    }

    private static func unpack() -> Result<Unpacked, Unavailable> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dist)) ?? []
        guard let tarball = names.filter({ $0.hasSuffix(".tar.gz") }).sorted().last,
              let layoutName = names.filter({ $0.hasSuffix("-oci") }).sorted().last
        else {
            return .failure(Unavailable(description: "no tarball and image in \(dist): run scripts/package (scripts/test does)"))
        }
        guard let umoci = which("umoci") else {
            return .failure(Unavailable(description: "umoci is not installed (scripts/install-deps installs it)"))
        }
        guard let unshare = which("unshare") else {
            return .failure(Unavailable(description: "unshare (util-linux) is not installed"))
        }
        let namespaces: [String], chroot: [String]
        if getuid() == 0 {
            (namespaces, chroot) = ([unshare, "--mount", "--pid", "--fork"], ["/usr/sbin/chroot", "--userspec=65532:65532"])
        } else {
            (namespaces, chroot) = ([unshare, "--user", "--map-root-user", "--mount", "--pid", "--fork"], ["/usr/sbin/chroot"])
        }
        guard (try? BuiltBinary.run(program: namespaces[0], Array(namespaces.dropFirst()) + ["--mount-proc", "/bin/true"]))?.status == 0 else {
            return .failure(Unavailable(description: "this machine cannot make the namespaces to enter a root filesystem (\(namespaces.joined(separator: " ")) fails)"))
        }
        // One place, replaced by each run of the suite (not a new 80 MB folder each time).
        let scratch = BuiltBinary.packageRoot + "/.build-package/unpacked"
        do {
            try? FileManager.default.removeItem(atPath: scratch)
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            let untar = try BuiltBinary.run(program: "/usr/bin/tar", ["-xzf", dist + "/" + tarball, "-C", scratch])
            guard untar.status == 0 else { return .failure(Unavailable(description: "tar could not unpack \(tarball): \(untar)")) }
            let tree = scratch + "/" + String(tarball.dropLast(".tar.gz".count))
            let tag = String(layoutName.dropFirst("trailproof-".count).dropLast("-oci".count))
            let layout = dist + "/" + layoutName
            let bundle = scratch + "/bundle"
            let unpacking = try BuiltBinary.run(program: umoci, ["unpack", "--rootless", "--image", "\(layout):\(tag)", bundle], timeout: 300)
            guard unpacking.status == 0 else { return .failure(Unavailable(description: "umoci could not unpack \(layout):\(tag): \(unpacking)")) }
            // A runtime mounts /proc over this mount point; the image need not hold it.
            try FileManager.default.createDirectory(atPath: bundle + "/rootfs/proc", withIntermediateDirectories: true)
            return .success(Unpacked(tree: tree, layout: layout, tag: tag, rootfs: bundle + "/rootfs", namespaces: namespaces, chroot: chroot))
        } catch {
            return .failure(Unavailable(description: "could not unpack the packaged artifacts: \(error)"))
        }
    }

    private static func which(_ name: String) -> String? {
        for folder in ["/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: folder + "/" + name) {
            return folder + "/" + name
        }
        return nil
    }
}
