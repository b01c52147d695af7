/// A failure reported by one of the C libraries behind TrailproofNative, or by the system.
public struct NativeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which library or facility failed.
    public enum Facility: String, Sendable {
        case openssl, zlib, curl, system
    }

    /// The library or facility that failed.
    public let facility: Facility
    /// What was being attempted, e.g. "parse RSA public key".
    public let operation: String
    /// The library's own explanation, when it gave one.
    public let detail: String

    /// Creates an error for `operation` in `facility`.
    public init(_ facility: Facility, _ operation: String, detail: String = "") {
        self.facility = facility
        self.operation = operation
        self.detail = detail
    }

    public var description: String {
        detail.isEmpty ? "\(operation) failed" : "\(operation) failed: \(detail)"
    }
}
