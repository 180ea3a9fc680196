import Foundation
import TestSupport
import XCTest
@testable import TensorRuntime

/// Our runtime against LiteRT's own outputs on real inputs (fixtures from `Tools/generate_litert_references.py`).
final class LiteRTReferenceTests: XCTestCase {
    /// Runs every fixture case of `model` and checks each output against its tolerance.
    private func check(model: String, tolerances: [Float], minimumCases: Int = 3) throws {
        let runner = try ModelRunner(contentsOf: RepositoryFiles.weights(model))
        let cases = try ReferenceFixture.cases(source: "LiteRT", model: model)
        XCTAssertGreaterThanOrEqual(cases.count, minimumCases, "\(model): too few reference cases")
        for fixture in cases {
            try runner.run(fixture.input)
            XCTAssertEqual(fixture.meta.outputs.count, runner.outputs.count)
            for (index, tolerance) in tolerances.enumerated() {
                let expected = try fixture.expectedOutput(index)
                let actual = runner.output(index)
                let difference = ArrayDifference(actual, expected).maximum
                print("\(model)/\(fixture.meta.case) output \(index) (\(runner.outputs[index].name)): max |Δ| = \(difference)")
                XCTAssertLessThanOrEqual(difference, tolerance, "\(model)/\(fixture.meta.case) output \(index)")
            }
        }
    }

    func testFaceLandmarkMatchesLiteRT() throws {
        // Output 0: 468 × (x, y, z) in 192-px units; output 1: face-flag logit.
        try check(model: "face_landmark", tolerances: [2e-3, 1e-3])
    }

    func testIrisLandmarkMatchesLiteRT() throws {
        // Eye contour 71 × 3 and iris 5 × 3, in 64-px units.
        try check(model: "iris_landmark", tolerances: [2e-3, 2e-3])
    }

    func testFaceMeshV2MatchesLiteRT() throws {
        // MediaPipe Tasks' Face Mesh V2 on four 256×256 crops (one turned 30°; Tools/generate_tasks_litert_references.py).
        // Output 0: 478 × (x, y, z) in 256-px units (measured ≤ 2.3e-4); 1: face-flag logit (≤ 9.5e-6);
        // 2: tongue-out score after the model's LOGISTIC (≤ 1.6e-6).
        try check(model: "face_landmark_v2", tolerances: [1e-3, 4e-5, 6e-6], minimumCases: 4)
    }

    func testBlendshapeNetworkMatchesLiteRT() throws {
        // The 52 scores from MediaPipe's own input tensors of six faces (146 landmarks × 2, image pixels;
        // Tools/generate_tasks_references.py): measured ≤ 1.4e-6.
        try check(model: "face_blendshapes", tolerances: [5e-6], minimumCases: 6)
    }

    func testFaceDetectorMatchesLiteRT() throws {
        // Regressors [896, 16] in 128-px units and classification logits [896, 1].
        try check(model: "face_detection_short_range", tolerances: [2e-3, 2e-3])
    }
}
