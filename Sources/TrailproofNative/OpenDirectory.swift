#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory held open, so that the files in it can be opened by name
/// (`LocalFile.streamRegularFile(named:in:)`). Closed when the last reference to it goes, so a
/// cache may drop it while a thread still reads through it.
public final class OpenDirectory: Sendable {
    /// The path it was opened at.
    public let path: String
    /// Its file descriptor.
    let descriptor: Int32

    /// Opens the directory at `path`; nil when it cannot be opened as one.
    public init?(path: String) {
        // Read permission is needed, as for listing it; without it the caller opens by path.
        guard LocalFile.isWholeCString(path) else { return nil }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}
