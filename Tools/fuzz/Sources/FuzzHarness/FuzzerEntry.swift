import CFuzzerDriver
import Glibc

/// Starts libFuzzer from a fuzz target's top-level code.
///
/// SwiftPM links executables with `main` aliased to the target's own entry point, which shadows the `main` that
/// libFuzzer normally provides; the target therefore hands its `LLVMFuzzerTestOneInput` function to
/// libFuzzer's driver explicitly. The process command line is passed through unchanged, so every libFuzzer flag
/// (`-runs=N`, `-max_total_time=S`, `-dict=...`, corpus directories, crash files to replay) works as usual.
public enum FuzzerEntry {
    /// The signature libFuzzer calls: input bytes and their count; the return value must be 0.
    public typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>, Int) -> CInt

    /// Runs libFuzzer's driver with `testOneInput` and exits with its status (0, or non-zero after a crash).
    public static func run(_ testOneInput: TestOneInput) -> Never {
        if getenv("SWIFT_BACKTRACE") == nil {
            // The Swift runtime's backtracer would catch the trap before libFuzzer can save the crashing input.
            fputs("warning: set SWIFT_BACKTRACE=enable=no so that libFuzzer reports crashes (Tools/run_fuzzers.sh does)\n",
                  stderr)
        }
        var argumentCount = CommandLine.argc
        var arguments = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argumentCount, &arguments, testOneInput))
    }
}
