import Glibc

/// Optional per-input diagnostics: with `FUZZ_TRACE=1` in the environment a target prints what happened to each
/// input (which error rejected it, or that it ran). Off by default, so fuzzing speed is not affected.
public enum FuzzTrace {
    /// Whether `FUZZ_TRACE` is set to a non-empty value other than `0`.
    public static let isEnabled: Bool = {
        guard let value = getenv("FUZZ_TRACE") else { return false }
        let text = String(cString: value)
        return !text.isEmpty && text != "0"
    }()

    /// Prints `message()` to standard error when tracing is enabled.
    public static func note(_ message: @autoclosure () -> String) {
        guard isEnabled else { return }
        fputs(message() + "\n", stderr)
    }
}
