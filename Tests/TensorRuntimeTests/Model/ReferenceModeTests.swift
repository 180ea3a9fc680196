import Foundation
import TestSupport
import XCTest
@testable import TensorRuntime

/// Whole-model reference mode (`ModelRunner.Options.execution = .reference`: no fusion, every step through its
/// kernel's scalar reference) against the fast runner at 1 and 2 threads, for every shipped model, on random inputs
/// and on a real input from the reference fixtures. This catches fusion, fast-kernel and threading errors anywhere
/// in the graphs, not only in the hand-built blocks of the kernel tests.
final class ReferenceModeTests: XCTestCase {
    /// The shipped models with a real input each (reference fixtures).
    private let models = ShippedModelInputs.all

    private func runner(_ model: String, _ execution: ModelRunner.Execution, threads: Int) throws -> ModelRunner {
        var options = ModelRunner.Options()
        options.execution = execution
        options.threads = threads
        return try ModelRunner(contentsOf: RepositoryFiles.weights(model), options: options)
    }

    private func floats(_ path: String) throws -> [Float] {
        try littleEndianFloats(RepositoryFiles.fixtures.appendingPathComponent(path))
    }

    /// The blendshape network's eight layer normalisations (ten operators each) run as eight fused steps.
    func testBlendshapeLayerNormalizationsAreFused() throws {
        let fast = try runner("face_blendshapes", .fast, threads: 1)
        XCTAssertEqual(fast.stepLabels.filter { $0.hasPrefix("LAYER_NORM") }.count, 8)
        XCTAssertFalse(fast.stepLabels.contains { $0.hasPrefix("RSQRT") || $0.hasPrefix("NEG") })
    }

    func testReferencePlanHasOneStepPerOperatorAndNoFusion() throws {
        for model in models {
            let file = try ModelFile(contentsOf: RepositoryFiles.weights(model.name))
            let reference = try runner(model.name, .reference, threads: 1)
            let fast = try runner(model.name, .fast, threads: 1)
            XCTAssertEqual(reference.stepLabels.count, file.operators.count, model.name)
            XCTAssertFalse(reference.stepLabels.contains { $0.contains("+") }, "\(model.name): a step is fused")
            XCTAssertLessThan(fast.stepLabels.count, reference.stepLabels.count, "\(model.name): fast plan fuses nothing")
            XCTAssertEqual(reference.multiplyAccumulates, fast.multiplyAccumulates, model.name)
        }
    }

    /// Every output of every model: fast (1 and 2 threads) vs reference, within `relativeTolerance` of the output's
    /// largest magnitude (at least 1). The two sides sum in different orders (GEMM tiles, fused epilogues), so they
    /// differ by rounding only.
    func testFastRunsMatchWholeModelReference() throws {
        var generator = SplitMix64(seed: 0x5EED_0011)
        var worst: Float = 0
        for model in models {
            let reference = try runner(model.name, .reference, threads: 1)
            let fastRunners = try [1, 2].map { try runner(model.name, .fast, threads: $0) }
            let count = reference.inputs[0].elementCount
            var inputs: [(String, [Float])] = [("real input", try floats(model.input))]
            for seed in 0..<2 {
                // Random images in the models' input range [-1, 1] (the landmark models take [0, 1]; both work).
                inputs.append(("random input \(seed)", (0..<count).map { _ in Float.random(in: -1...1, using: &generator) }))
            }
            for (label, input) in inputs {
                XCTAssertEqual(input.count, count, "\(model.name) \(label)")
                try reference.run(input)
                let expected = (0..<reference.outputs.count).map { reference.output($0) }
                for fast in fastRunners {
                    try fast.run(input)
                    for index in expected.indices {
                        let difference = assertClose(
                            fast.output(index), expected[index], relativeTolerance: Self.relativeTolerance,
                            "\(model.name), \(label), \(fast.threadCount) thread(s), output \(index)")
                        let scale = max(1, expected[index].map { abs($0) }.max() ?? 0)
                        worst = max(worst, difference.maximum / scale)
                    }
                }
            }
        }
        print("ReferenceModeTests: largest fast-vs-reference difference, relative to the output's scale: \(worst)")
    }

    /// Bound on |fast − reference| / max(1, max |reference output|). Measured: 2.27e-6 (all four models, real and
    /// random inputs, 1 and 2 threads); the bound is 4.4× that.
    static let relativeTolerance: Float = 1e-5
}
