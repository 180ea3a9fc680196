import Foundation
import TestSupport
import XCTest
@testable import TensorRuntime

/// The Attention Mesh (with its three custom operators) against MediaPipe 0.10.14's own InferenceCalculator
/// outputs on real crops, one upright and several rotated (fixtures from `Tools/generate_mediapipe_references.py`).
final class MediaPipeAttentionReferenceTests: XCTestCase {
    func testAttentionMeshMatchesMediaPipe() throws {
        let runner = try ModelRunner(contentsOf: RepositoryFiles.weights("face_landmark_with_attention"))
        let cases = try ReferenceFixture.cases(source: "MediaPipe", model: "attention", expectedCount: 5)
        // Outputs: mesh, lips, left eye, right eye, left iris, right iris (192-px units), face-flag logit.
        // Regression bounds about 3× the largest difference measured over the 5 cases:
        // mesh 1.53e-4, lips 1.22e-4, eyes 2.90e-4, irises 1.60e-4, flag logit 1.34e-5.
        let bounds: [Float] = [5e-4, 4e-4, 1e-3, 1e-3, 5e-4, 5e-4, 4e-5]
        var largest = [Float](repeating: 0, count: bounds.count)
        for fixture in cases {
            try runner.run(fixture.input)
            for (index, bound) in bounds.enumerated() {
                let difference = ArrayDifference(runner.output(index), try fixture.expectedOutput(index)).maximum
                largest[index] = max(largest[index], difference)
                print("attention/\(fixture.meta.case) \(runner.outputs[index].name): max |Δ| = \(difference)")
                XCTAssertLessThanOrEqual(difference, bound, "\(fixture.meta.case) output \(index)")
            }
        }
        print("attention, \(cases.count) cases: largest |Δ| per output \(largest), bounds \(bounds)")
    }
}
