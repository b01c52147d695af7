import TrailproofKit

/// The library's typed errors in the command line's terms: each names the flags the user gives
/// (`InputNames.commandLine`), as `RunPlanError.usageError` does for the plan's rules.
enum LibraryErrorWording {
    /// `error`'s message with flag names, for the errors the library words with `InputNames`;
    /// any other error's own description.
    static func text(of error: any Error) -> String {
        switch error {
        case let error as ShardError: return error.text(.commandLine)
        case let error as AWSConfigurationError: return error.text(.commandLine)
        case let error as QueryResultsError: return error.text(.commandLine)
        case let error as MergeError: return error.text(.commandLine)
        default: return "\(error)"
        }
    }

    /// `error`, worded with flag names when the library words it (`text(of:)`), for a handler
    /// that prints an error's description.
    static func worded(_ error: any Error) -> any Error {
        switch error {
        case is ShardError, is AWSConfigurationError, is QueryResultsError, is MergeError: return Worded(description: text(of: error))
        default: return error
        }
    }

    private struct Worded: Error, CustomStringConvertible {
        let description: String
    }
}
