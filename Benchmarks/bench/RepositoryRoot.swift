import Foundation

/// Locates the repository checkout (for the fixtures and Tools/): first from this source file's path, known at
/// compile time, then upwards from the current directory.
enum RepositoryRoot {
    /// The first candidate directory holding both `Package.swift` and `Tests/Fixtures`.
    static func find() throws -> URL {
        let fromSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var candidates = [fromSource]
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<6 {
            candidates.append(directory)
            directory.deleteLastPathComponent()
        }
        let manager = FileManager.default
        for candidate in candidates
        where manager.fileExists(atPath: candidate.appendingPathComponent("Package.swift").path)
            && manager.fileExists(atPath: candidate.appendingPathComponent("Tests/Fixtures").path) {
            return candidate.standardizedFileURL
        }
        throw BenchError.repositoryNotFound(searched: candidates.map(\.path))
    }
}
