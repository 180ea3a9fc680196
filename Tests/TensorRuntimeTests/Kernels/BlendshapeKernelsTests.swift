import XCTest
import TestSupport
@testable import TensorRuntime

/// The kernels Face Mesh V2 and the blendshape network add (LOGISTIC, SQRT, RSQRT, NEG, SUB, DIV,
/// SQUARED_DIFFERENCE, MEAN, SUM, TRANSPOSE, the fused layer normalisation): hand-computed values, fast path
/// against the scalar reference on random shapes (odd sizes, 1s, empty axes), and shape errors.
final class BlendshapeKernelsTests: XCTestCase {
    private var generator = SplitMix64(seed: 0x5EED_B1E4_D5A9)

    private func randomValues(_ count: Int, range: ClosedRange<Float> = -4...4) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &generator) }
    }

    private func randomShape(rank: Int, maximum: Int = 9) -> [Int] {
        (0..<rank).map { _ in Int.random(in: 1...maximum, using: &generator) }
    }

    /// Largest |a − b| relative to max(1, |b|).
    private func maximumError(_ a: [Float], _ b: [Float]) -> Float {
        XCTAssertEqual(a.count, b.count)
        return zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    }

    // MARK: - unary

    func testUnaryHandValues() {
        let x: [Float] = [0, 1, 4, -2, 100, -100, 0.25, 9, 16]
        var out = [Float](repeating: 0, count: x.count)
        Logistic.run(x, count: x.count, output: &out)
        XCTAssertEqual(out[0], 0.5)
        XCTAssertEqual(out[4], 1)
        XCTAssertLessThan(out[5], 1e-30)   // no overflow for large negative inputs
        XCTAssertEqual(out[1], 0.7310586, accuracy: 1e-7)
        Sqrt.run(x, count: x.count, output: &out)
        XCTAssertEqual(Array(out[7...8]), [3, 4])
        XCTAssertTrue(out[3].isNaN)
        Rsqrt.run(x, count: x.count, output: &out)
        XCTAssertEqual(out[2], 0.5)
        XCTAssertEqual(out[6], 2)
        XCTAssertEqual(out[0], .infinity)
        Neg.run(x, count: x.count, output: &out)
        XCTAssertEqual(out, x.map { -$0 })
    }

    func testUnaryFastMatchesReferenceOnRandomCounts() {
        for count in [0, 1, 7, 8, 9, 52, 97, 6208] {
            let x = randomValues(count, range: -30...30)
            let positive = x.map { abs($0) + 1e-3 }
            var fast = [Float](repeating: 0, count: count), slow = fast
            Logistic.run(x, count: count, output: &fast)
            Logistic.reference(x, count: count, output: &slow)
            XCTAssertLessThanOrEqual(maximumError(fast, slow), 2.4e-7)   // measured 6.0e-8
            Sqrt.run(positive, count: count, output: &fast)
            Sqrt.reference(positive, count: count, output: &slow)
            XCTAssertEqual(fast, slow)                                    // both correctly rounded
            Rsqrt.run(positive, count: count, output: &fast)
            Rsqrt.reference(positive, count: count, output: &slow)
            XCTAssertLessThanOrEqual(maximumError(fast, slow), 2.4e-7)   // measured 1.1e-7 (≤ 1 ulp)
            Neg.run(x, count: count, output: &fast)
            Neg.reference(x, count: count, output: &slow)
            XCTAssertEqual(fast, slow)
        }
    }

    // MARK: - broadcasting binary

    func testBinaryHandValues() throws {
        let layout = try BroadcastLayout([2, 3], [3])
        XCTAssertEqual(layout.shape, [2, 3])
        var out = [Float](repeating: 0, count: 6)
        Sub.run([1, 2, 3, 4, 5, 6], [1, 0, -1], layout: layout, output: &out)
        XCTAssertEqual(out, [0, 2, 4, 3, 5, 7])
        Div.run([1, 2, 3, 4, 5, 6], [1, 2, 4], layout: layout, output: &out)
        XCTAssertEqual(out, [1, 1, 0.75, 4, 2.5, 1.5])
        let column = try BroadcastLayout([2, 3], [2, 1])
        SquaredDifference.run([1, 2, 3, 4, 5, 6], [2, 5], layout: column, output: &out)
        XCTAssertEqual(out, [1, 0, 1, 1, 0, 1])
        let scalarFirst = try BroadcastLayout([], [2, 2])
        var four = [Float](repeating: 0, count: 4)
        Sub.run([10], [1, 2, 3, 4], layout: scalarFirst, output: &four)
        XCTAssertEqual(four, [9, 8, 7, 6])
    }

    func testBinaryFastMatchesReferenceOnRandomShapes() throws {
        for _ in 0..<60 {
            let rank = Int.random(in: 1...5, using: &generator)
            let shape = randomShape(rank: rank, maximum: 11)
            // Each operand drops leading axes or sets axes to 1 at random.
            func operandShape() -> [Int] {
                let drop = Int.random(in: 0...rank, using: &generator)
                return shape.dropFirst(drop).map { Bool.random(using: &generator) ? $0 : 1 }
            }
            let aShape = operandShape(), bShape = operandShape()
            let layout = try BroadcastLayout(aShape, bShape)
            let a = randomValues(aShape.reduce(1, *)), b = randomValues(bShape.reduce(1, *)).map { $0 + 5 }
            var fast = [Float](repeating: 0, count: layout.count), slow = fast
            for operation in [BinaryArithmetic.add, .subtract, .multiply, .divide, .squaredDifference] {
                layout.run(operation, a, b, output: &fast)
                layout.reference(operation, a, b, output: &slow)
                XCTAssertEqual(fast, slow, "\(operation) \(aShape) \(bShape)")   // same float operation per element
            }
        }
    }

    func testBinaryShapeErrors() {
        XCTAssertThrowsError(try BroadcastLayout([2, 3], [4]))
        XCTAssertThrowsError(try BroadcastLayout([1, 1, 1, 1, 1, 1, 1, 1, 2], [2]))
        XCTAssertThrowsError(try BroadcastLayout([-1], [1]))
    }

    // MARK: - reductions

    func testReductionHandValues() throws {
        // [1, 3, 2]: mean over axis −2 (the blendshape network's landmark centre), sum over −1.
        let x: [Float] = [1, 10, 2, 20, 3, 30]
        let centre = try ReductionLayout(inputShape: [1, 3, 2], axes: [-2], keepDimensions: true)
        XCTAssertEqual(centre.outputShape, [1, 1, 2])
        var two = [Float](repeating: 0, count: 2)
        Mean.run(x, layout: centre, output: &two)
        XCTAssertEqual(two, [2, 20])
        let rows = try ReductionLayout(inputShape: [1, 3, 2], axes: [-1], keepDimensions: false)
        XCTAssertEqual(rows.outputShape, [1, 3])
        var three = [Float](repeating: 0, count: 3)
        Sum.run(x, layout: rows, output: &three)
        XCTAssertEqual(three, [11, 22, 33])
        let all = try ReductionLayout(inputShape: [3, 2], axes: [0, 1, -1], keepDimensions: false)
        XCTAssertEqual(all.outputShape, [])
        var one: [Float] = [0]
        Mean.run(x, layout: all, output: &one)
        XCTAssertEqual(one[0], 11)
    }

    func testReductionFastMatchesReferenceOnRandomShapes() throws {
        for _ in 0..<60 {
            let rank = Int.random(in: 1...5, using: &generator)
            let shape = randomShape(rank: rank, maximum: 13)
            let axes = (0..<rank).filter { _ in Bool.random(using: &generator) }.map {
                Bool.random(using: &generator) ? $0 : $0 - rank
            }
            let layout = try ReductionLayout(inputShape: shape, axes: axes, keepDimensions: Bool.random(using: &generator))
            let x = randomValues(layout.inputCount)
            var fast = [Float](repeating: 0, count: layout.outputCount), slow = fast
            Mean.run(x, layout: layout, output: &fast)
            Mean.reference(x, layout: layout, output: &slow)
            XCTAssertLessThanOrEqual(maximumError(fast, slow), 6e-7, "\(shape) \(axes)")   // measured 1.5e-7
            Sum.run(x, layout: layout, output: &fast)
            Sum.reference(x, layout: layout, output: &slow)
            XCTAssertLessThanOrEqual(maximumError(fast, slow), 1.2e-5, "\(shape) \(axes)")   // measured 3.2e-6
        }
        XCTAssertThrowsError(try ReductionLayout(inputShape: [2, 3], axes: [2], keepDimensions: true))
        XCTAssertThrowsError(try ReductionLayout(inputShape: [2, 3], axes: [-3], keepDimensions: true))
    }

    // MARK: - transpose

    func testTransposeHandValues() throws {
        let layout = try Transpose.Layout(inputShape: [1, 2, 3], permutation: [0, 2, 1])
        XCTAssertEqual(layout.outputShape, [1, 3, 2])
        var out = [Float](repeating: 0, count: 6)
        Transpose.run([1, 2, 3, 4, 5, 6], layout: layout, output: &out)
        XCTAssertEqual(out, [1, 4, 2, 5, 3, 6])
        let rotate = try Transpose.Layout(inputShape: [2, 1, 3], permutation: [2, 0, 1])
        XCTAssertEqual(rotate.outputShape, [3, 2, 1])
        Transpose.run([1, 2, 3, 4, 5, 6], layout: rotate, output: &out)
        XCTAssertEqual(out, [1, 4, 2, 5, 3, 6])
        XCTAssertThrowsError(try Transpose.Layout(inputShape: [2, 3], permutation: [0, 0]))
        XCTAssertThrowsError(try Transpose.Layout(inputShape: [2, 3], permutation: [1]))
    }

    func testTransposeFastMatchesReferenceOnRandomShapes() throws {
        for trial in 0..<60 {
            let rank = Int.random(in: 1...5, using: &generator)
            let shape = randomShape(rank: rank, maximum: trial < 10 ? 40 : 9)
            var permutation = Array(0..<rank).shuffled(using: &generator)
            if trial % 3 == 0 && rank >= 2 {   // the blendshape network's innermost swap
                permutation = Array(0..<(rank - 2)) + [rank - 1, rank - 2]
            }
            let layout = try Transpose.Layout(inputShape: shape, permutation: permutation)
            let x = randomValues(layout.count)
            var fast = [Float](repeating: 0, count: layout.count), slow = fast
            Transpose.run(x, layout: layout, output: &fast)
            Transpose.reference(x, layout: layout, output: &slow)
            XCTAssertEqual(fast, slow, "\(shape) \(permutation)")
        }
    }

    // MARK: - layer normalisation

    func testLayerNormalizationHandValues() {
        // Row [1, 2, 3, 4]: mean 2.5, variance 1.25; γ = [1, 1, 2, 2], ε = 0.
        var out = [Float](repeating: 0, count: 4)
        LayerNormalization.run([1, 2, 3, 4], rows: 1, channels: 4, scale: [1, 1, 2, 2], epsilon: 0, output: &out)
        let s = 1 / Float(1.25).squareRoot()
        let expected: [Float] = [-1.5 * s, -0.5 * s, 2 * 0.5 * s, 2 * 1.5 * s]
        XCTAssertLessThanOrEqual(maximumError(out, expected), 1.2e-6)   // measured 3.6e-7
    }

    func testLayerNormalizationMatchesReferenceAndUnfusedOps() throws {
        for (rows, channels) in [(1, 1), (3, 7), (97, 64), (64, 97), (5, 8), (2, 33)] {
            let x = randomValues(rows * channels).map { $0 * 10 + 3 }
            let gamma = randomValues(channels)
            let epsilon: Float = 1e-6
            var fast = [Float](repeating: 0, count: x.count), slow = fast
            LayerNormalization.run(x, rows: rows, channels: channels, scale: gamma, epsilon: epsilon, output: &fast)
            LayerNormalization.reference(x, rows: rows, channels: channels, scale: gamma, epsilon: epsilon,
                                         output: &slow)
            XCTAssertLessThanOrEqual(maximumError(fast, slow), 2.4e-6, "\(rows)x\(channels)")   // measured 6.0e-7

            // The ten unfused TFLite operators, through the kernels above.
            let shape = [1, 1, rows, channels]
            let meanLayout = try ReductionLayout(inputShape: shape, axes: [3], keepDimensions: true)
            var mean = [Float](repeating: 0, count: rows), negated = mean, variance = mean, inverse = mean
            Mean.run(x, layout: meanLayout, output: &mean)
            Neg.run(mean, count: rows, output: &negated)
            var squares = [Float](repeating: 0, count: x.count)
            SquaredDifference.run(x, mean, layout: try BroadcastLayout(shape, [1, 1, rows, 1]), output: &squares)
            Mean.run(squares, layout: meanLayout, output: &variance)
            let plusEpsilon = try BroadcastLayout([1, 1, rows, 1], [])
            plusEpsilon.run(.add, variance, [epsilon], output: &variance)
            Rsqrt.run(variance, count: rows, output: &inverse)
            var gain = [Float](repeating: 0, count: x.count), left = gain, right = gain, unfused = gain
            try BroadcastLayout([1, 1, rows, 1], [channels]).run(.multiply, inverse, gamma, output: &gain)
            BroadcastLayout.elementwise(x.count).run(.multiply, x, gain, output: &left)
            try BroadcastLayout([1, 1, rows, 1], shape).run(.multiply, negated, gain, output: &right)
            BroadcastLayout.elementwise(x.count).run(.add, left, right, output: &unfused)
            // Same float operations in the same order (block sums for both means): identical.
            XCTAssertEqual(fast, unfused, "\(rows)x\(channels)")
        }
    }
}

private extension BroadcastLayout {
    /// Two flat operands of the same length.
    static func elementwise(_ count: Int) -> BroadcastLayout {
        // swiftlint:disable:next force_try
        try! BroadcastLayout([count], [count])
    }
}
