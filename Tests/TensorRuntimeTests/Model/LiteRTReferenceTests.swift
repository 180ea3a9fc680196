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

    func testFaceDetectorMatchesLiteRT() throws {
        // Regressors [896, 16] in 128-px units and classification logits [896, 1].
        try check(model: "face_detection_short_range", tolerances: [2e-3, 2e-3])
    }

    func testFullRangeFaceDetectorMatchesLiteRT() throws {
        // The sparse .tflite as shipped (LiteRT densifies at load), against our densified weights: regressors
        // [2304, 16] in 192-px units and logits [2304, 1], 4 letterboxed photos.
        try check(model: "face_detection_full_range", tolerances: [2e-3, 2e-3], minimumCases: 4)
    }
}
