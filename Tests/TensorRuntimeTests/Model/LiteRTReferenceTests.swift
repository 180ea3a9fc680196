import Foundation
import TestSupport
import XCTest
@testable import TensorRuntime

/// Our runtime against LiteRT's own outputs on real inputs (fixtures from `Tools/generate_litert_references.py`).
///
/// The bounds are regression bounds about 3× the largest difference measured over all cases (stated beside each);
/// the README's Accuracy table quotes these numbers.
final class LiteRTReferenceTests: XCTestCase {
    /// Runs every fixture case of `model` (exactly `cases` of them) and checks each output against its bound.
    /// Returns the largest difference per output over all cases.
    @discardableResult
    private func check(model: String, cases expectedCount: Int, bounds: [Float]) throws -> [Float] {
        let runner = try ModelRunner(contentsOf: RepositoryFiles.weights(model))
        let cases = try ReferenceFixture.cases(source: "LiteRT", model: model, expectedCount: expectedCount)
        var largest = [Float](repeating: 0, count: bounds.count)
        for fixture in cases {
            try runner.run(fixture.input)
            XCTAssertEqual(fixture.meta.outputs.count, runner.outputs.count)
            for (index, bound) in bounds.enumerated() {
                let expected = try fixture.expectedOutput(index)
                let actual = runner.output(index)
                let difference = ArrayDifference(actual, expected).maximum
                largest[index] = max(largest[index], difference)
                print("\(model)/\(fixture.meta.case) output \(index) (\(runner.outputs[index].name)): max |Δ| = \(difference)")
                XCTAssertLessThanOrEqual(difference, bound, "\(model)/\(fixture.meta.case) output \(index)")
            }
        }
        print("\(model), \(cases.count) cases: largest |Δ| per output \(largest), bounds \(bounds)")
        return largest
    }

    func testFaceLandmarkMatchesLiteRT() throws {
        // Output 0: 468 × (x, y, z) in 192-px units, measured 1.37e-4; output 1: face-flag logit, measured 3.8e-6.
        try check(model: "face_landmark", cases: 4, bounds: [4e-4, 1.5e-5])
    }

    func testIrisLandmarkMatchesLiteRT() throws {
        // Eye contour 71 × 3 (measured 4.6e-5) and iris 5 × 3 (measured 2.7e-5), in 64-px units.
        try check(model: "iris_landmark", cases: 4, bounds: [1.5e-4, 1e-4])
    }

    func testFaceMeshV2MatchesLiteRT() throws {
        // MediaPipe Tasks' Face Mesh V2 on four 256×256 crops (one turned 30°; Tools/generate_tasks_litert_references.py).
        // Output 0: 478 × (x, y, z) in 256-px units (measured ≤ 2.3e-4); 1: face-flag logit (≤ 9.5e-6);
        // 2: tongue-out score after the model's LOGISTIC (≤ 1.6e-6).
        try check(model: "face_landmark_v2", cases: 4, bounds: [1e-3, 4e-5, 6e-6])
    }

    func testBlendshapeNetworkMatchesLiteRT() throws {
        // The 52 scores from MediaPipe's own input tensors of six faces (146 landmarks × 2, image pixels;
        // Tools/generate_tasks_references.py): measured ≤ 1.4e-6.
        try check(model: "face_blendshapes", cases: 6, bounds: [5e-6])
    }

    func testFaceDetectorMatchesLiteRT() throws {
        // Regressors [896, 16] in 128-px units (measured 9.2e-5) and classification logits [896, 1] (measured 2.0e-4).
        try check(model: "face_detection_short_range", cases: 4, bounds: [3e-4, 6e-4])
    }

    func testFullRangeFaceDetectorMatchesLiteRT() throws {
        // The sparse .tflite as shipped (LiteRT densifies at load), against our densified weights: regressors
        // [2304, 16] in 192-px units (measured 6.1e-5) and logits [2304, 1] (measured 1.1e-4), 4 letterboxed photos.
        try check(model: "face_detection_full_range", cases: 4, bounds: [1.5e-4, 3e-4])
    }
}
