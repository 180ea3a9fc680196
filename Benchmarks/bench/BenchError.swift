import Foundation

/// Why the benchmark could not run.
enum BenchError: Error, CustomStringConvertible {
    /// No directory with `Package.swift` and `Tests/Fixtures` above the sources or the current directory.
    case repositoryNotFound(searched: [String])
    /// A fixture file is missing or has the wrong size.
    case badFixture(path: String, reason: String)
    /// No Python with ai-edge-litert was found for `--compare-litert`.
    case pythonNotFound(path: String)
    /// A workload did not behave as expected (e.g. the engine lost the face it tracks).
    case workloadFailed(String)
    /// The LiteRT child process failed or broke the line protocol.
    case litert(String)

    var description: String {
        switch self {
        case let .repositoryNotFound(searched):
            return "repository root not found (looked for Package.swift and Tests/Fixtures in: \(searched.joined(separator: ", "))); run from the repository"
        case let .badFixture(path, reason): return "fixture \(path): \(reason)"
        case let .pythonNotFound(path):
            return """
                --compare-litert needs a Python with ai-edge-litert; \(path) does not exist or is not executable.
                Set it up with:
                  python3 -m venv Tools/.venv-litert && Tools/.venv-litert/bin/pip install -r Tools/requirements-litert.txt
                or pass --python PATH.
                """
        case let .workloadFailed(message): return message
        case let .litert(message): return "LiteRT comparison failed: \(message)"
        }
    }
}
