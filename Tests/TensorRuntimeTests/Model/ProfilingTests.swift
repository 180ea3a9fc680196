import Foundation
import TestSupport
import XCTest
@testable import TensorRuntime

/// `ModelRunner.profile`: one entry per plan step, the documented MAC count, and a correct inference underneath.
final class ProfilingTests: XCTestCase {
    func testProfileHasOneEntryPerStepAndComputesTheModel() throws {
        let runner = try ModelRunner(contentsOf: RepositoryFiles.weights("face_landmark"))
        let fixture = try XCTUnwrap(try ReferenceFixture.cases(source: "LiteRT", model: "face_landmark", expectedCount: 4).first)
        let input = try fixture.input
        let profile = try input.withUnsafeBufferPointer { try runner.profile(input: $0, runs: 3) }

        XCTAssertEqual(profile.map(\.label), runner.stepLabels)
        XCTAssertTrue(profile.allSatisfy { $0.medianSeconds >= 0 && $0.medianSeconds.isFinite })
        // docs/models.md §1: face_landmark has 34,979,040 convolution MACs (counted from the .tflite by the tools).
        XCTAssertEqual(profile.reduce(0) { $0 + $1.multiplyAccumulates }, 34_979_040)
        // The timed steps still compute the model: its outputs match LiteRT's.
        for index in 0..<2 {
            let difference = ArrayDifference(runner.output(index), try fixture.expectedOutput(index)).maximum
            XCTAssertLessThanOrEqual(difference, 2e-3, "output \(index)")
        }
    }

    /// Every CONV_2D layer of the plan is timed on both paths; all of iris's layers run the direct path,
    /// the choice of `Conv2D.preferredStrategy` for square maps (GEMM measured slower there, README.md Performance).
    func testConvolutionStrategyComparisonCoversEveryLayer() throws {
        let runner = try ModelRunner(contentsOf: RepositoryFiles.weights("iris_landmark"))
        let timings = runner.compareConvolutionStrategies(runs: 1)
        // iris_landmark has 55 CONV_2D operators (bench --profile lists them).
        XCTAssertEqual(timings.count, 55)
        XCTAssertTrue(timings.allSatisfy { $0.directSeconds > 0 && $0.gemmSeconds > 0 })
        XCTAssertTrue(timings.allSatisfy { $0.chosenPath.hasPrefix("direct") })
        XCTAssertTrue(timings.allSatisfy { runner.stepLabels.contains($0.stepLabel) })
    }

    func testProfileRejectsBadArguments() throws {
        let runner = try ModelRunner(contentsOf: RepositoryFiles.weights("iris_landmark"))
        let input = [Float](repeating: 0.5, count: runner.inputs[0].elementCount)
        XCTAssertThrowsError(try input.withUnsafeBufferPointer { try runner.profile(input: $0, runs: 0) }) {
            XCTAssertEqual($0 as? PlanError, .invalidRunCount(0))
        }
        let short = [Float](repeating: 0.5, count: 10)
        XCTAssertThrowsError(try short.withUnsafeBufferPointer { try runner.profile(input: $0, runs: 1) }) {
            guard case .inputMismatch = $0 as? PlanError else { return XCTFail("unexpected error \($0)") }
        }
    }
}
