import Foundation
import TensorRuntime

/// What the weight-file fuzz targets do with one input: load it with `ModelFile(data:)`, compile it with
/// `ModelRunner(file:)`, and, when the graph is small, run it once on zeros and read every output.
///
/// Any trap (bounds check, overflow, force unwrap), sanitizer report, out-of-memory or time-out on the way is a
/// finding. Besides "never crash", the exercise checks the error contract and traps deliberately (so libFuzzer
/// saves the input) when it is broken:
/// - the loader throws only `ModelFileError`, the planner only `PlanError`;
/// - a compiled runner refuses an input of the wrong size with `PlanError.inputMismatch` and a NaN input with
///   `PlanError.nonFiniteInput`, and looking up an unknown output name throws `PlanError.unknownOutput`.
public enum WeightFileExercise {
    /// Graphs whose declared tensors hold more floats than this in total are compiled but not run (keeps each
    /// execution in the microseconds to milliseconds range).
    public static let maximumRunElements = 1 << 18
    /// Graphs whose convolutions need more multiply-accumulates than this are compiled but not run.
    public static let maximumRunMultiplyAccumulates = 1 << 22

    /// Loads, compiles and possibly runs `data` as a weight file.
    public static func exercise(_ data: Data) {
        let file: ModelFile
        do {
            file = try ModelFile(data: data)
        } catch let error as ModelFileError {
            FuzzTrace.note("loader: \(error)")
            return
        } catch {
            fatalError("ModelFile(data:) threw a non-ModelFileError: \(error)")
        }
        let runner: ModelRunner
        do {
            runner = try ModelRunner(file: file)
        } catch let error as PlanError {
            if case .unsupportedCPU = error { fatalError("the fuzz build cannot run on this CPU: \(error)") }
            FuzzTrace.note("planner: \(error)")
            return
        } catch {
            fatalError("ModelRunner(file:) threw a non-PlanError: \(error)")
        }
        let declaredElements = file.tensors.reduce(0) { $0 + $1.elementCount }
        guard declaredElements <= maximumRunElements,
              runner.multiplyAccumulates <= maximumRunMultiplyAccumulates else {
            FuzzTrace.note("compiled \(runner.stepLabels.count) steps; too large to run (\(declaredElements) elements, \(runner.multiplyAccumulates) MACs)")
            return
        }
        run(runner)
    }

    private static func run(_ runner: ModelRunner) {
        var inputs = runner.inputs.map { [Float](repeating: 0, count: $0.elementCount) }
        do {
            try withBuffers(inputs) { try runner.run(inputs: $0) }
        } catch {
            FuzzTrace.note("run on zeros: \(error)")
            return
        }
        var outputValues = 0
        for index in runner.outputs.indices {
            outputValues += runner.output(index).count
        }
        FuzzTrace.note("ran \(runner.stepLabels.joined(separator: ", ")) -> \(outputValues) output values")
        checkRefusals(runner, &inputs)
    }

    /// The runner's input and output checks must fire on a wrong size, a NaN value and an unknown output name.
    private static func checkRefusals(_ runner: ModelRunner, _ inputs: inout [[Float]]) {
        guard !inputs.isEmpty else { return }
        let longer = inputs[0] + [0]
        var shapes = inputs
        shapes[0] = longer
        expect(runner, shapes) { if case .inputMismatch = $0 { return true }; return false }
        expect(runner, Array(inputs.dropLast())) { if case .inputMismatch = $0 { return true }; return false }
        inputs[0][inputs[0].count - 1] = .nan
        expect(runner, inputs) { $0 == .nonFiniteInput(input: 0, element: inputs[0].count - 1) }
        do {
            _ = try runner.output(named: "\u{1}no such output")
            fatalError("output(named:) accepted an unknown name")
        } catch PlanError.unknownOutput {
        } catch {
            fatalError("output(named:) threw \(error) instead of PlanError.unknownOutput")
        }
    }

    private static func expect(_ runner: ModelRunner, _ values: [[Float]], _ matches: (PlanError) -> Bool) {
        do {
            try withBuffers(values) { try runner.run(inputs: $0) }
            fatalError("run accepted invalid inputs (counts \(values.map(\.count)))")
        } catch let error as PlanError where matches(error) {
            return
        } catch {
            fatalError("run threw \(error) for invalid inputs (counts \(values.map(\.count)))")
        }
    }

    /// Calls `body` with buffers holding copies of `arrays` (valid only inside `body`).
    private static func withBuffers<Result>(_ arrays: [[Float]],
                                            _ body: ([UnsafeBufferPointer<Float>]) throws -> Result) rethrows -> Result {
        let buffers = arrays.map { array -> UnsafeMutableBufferPointer<Float> in
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(array.count, 1))
            _ = buffer.initialize(from: array)
            return UnsafeMutableBufferPointer(rebasing: buffer[0..<array.count])
        }
        defer { buffers.forEach { UnsafeMutableRawPointer($0.baseAddress!).deallocate() } }
        return try body(buffers.map { UnsafeBufferPointer($0) })
    }
}
