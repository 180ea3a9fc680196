import Foundation
import XCTest

/// The rule for missing tools and binaries: outside CI a test may skip; under `CI=true` it fails, so a CI run can
/// never pass by skipping.
public enum ContinuousIntegration {
    /// Whether the environment says this is a CI run (`CI=true`, as GitHub Actions and most CI services set it).
    public static var isActive: Bool {
        ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true"
    }

    /// The error to throw when `requirement` (a tool, a binary) is missing: an `XCTSkip` outside CI, an error that
    /// fails the test under `CI=true`.
    public static func missing(_ requirement: String) -> Error {
        isActive ? MissingRequirement(description: "\(requirement) (CI=true: a missing requirement fails the run)")
            : XCTSkip(requirement)
    }

    /// A requirement that is missing during a CI run.
    public struct MissingRequirement: Error, CustomStringConvertible {
        public let description: String
    }
}
