import Foundation
import TestSupport
import XCTest
@testable import TensorRuntime

/// The Attention Mesh (with its three custom operators) against MediaPipe 0.10.14's own InferenceCalculator
/// outputs on real crops, one upright and several rotated (fixtures from `Tools/generate_mediapipe_references.py`).
final class MediaPipeAttentionReferenceTests: XCTestCase {
    func testAttentionMeshMatchesMediaPipe() throws {
        let runner = try ModelRunner(contentsOf: RepositoryFiles.weights("face_landmark_with_attention"))
        let cases = try ReferenceFixture.cases(source: "MediaPipe", model: "attention")
        XCTAssertGreaterThanOrEqual(cases.count, 3)
        // Outputs: mesh, lips, left eye, right eye, left iris, right iris (192-px units), face-flag logit.
        let tolerances: [Float] = [2e-3, 2e-3, 2e-3, 2e-3, 2e-3, 2e-3, 1e-3]
        for fixture in cases {
            try runner.run(fixture.input)
            for (index, tolerance) in tolerances.enumerated() {
                let difference = ArrayDifference(runner.output(index), try fixture.expectedOutput(index)).maximum
                print("attention/\(fixture.meta.case) \(runner.outputs[index].name): max |Δ| = \(difference)")
                XCTAssertLessThanOrEqual(difference, tolerance, "\(fixture.meta.case) output \(index)")
            }
        }
    }
}
