// Reductions of a row-major Float32 tensor over a set of axes: TFLite MEAN and SUM (ReducerOptions.keep_dims),
// each with `run` (contiguous blocks summed with SIMD when the reduced axes are the innermost ones, otherwise one
// pass over the input accumulating into the output) and `reference` (one sum per output element, in input order).
// The blendshape network averages its input landmarks (axis −2), sums squared coordinates (axis −1) and, in its
// layer normalisations, averages over channels (axis 3).

/// Which elements a reduction combines: the input shape, the reduced axes, and the output shape.
public struct ReductionLayout: Sendable, Equatable {
    /// The input shape.
    public let inputShape: [Int]
    /// The output shape: reduced axes become 1 (keep_dims) or disappear.
    public let outputShape: [Int]
    /// Per input axis, whether it is reduced.
    let reduced: [Bool]
    /// Input and output element counts, and how many input elements each output element combines.
    public let inputCount: Int
    public let outputCount: Int
    public let reducedCount: Int
    /// Per input axis, the output element stride (0 along reduced axes).
    let outputStrides: [Int]
    /// True when the reduced axes are exactly the innermost ones, so each output element is a contiguous block.
    let trailing: Bool

    /// - Parameters:
    ///   - axes: the reduced axes; negative values count from the end; repeats are allowed (TFLite ignores them).
    ///   - keepDimensions: TFLite's keep_dims.
    /// - Throws: `PlanError.invalidArgument` for an axis outside −rank..<rank or negative sizes,
    ///   `PlanError.unsupported` for ranks above 8.
    public init(inputShape: [Int], axes: [Int], keepDimensions: Bool) throws {
        let rank = inputShape.count
        guard rank <= 8 else { throw PlanError.unsupported("reductions support ranks up to 8, got \(inputShape)") }
        inputCount = try ShapeArithmetic.elementCount(inputShape, name: "reduction input")
        var reduced = [Bool](repeating: false, count: rank)
        for axis in axes {
            guard axis >= -rank, axis < rank else {
                throw PlanError.invalidArgument("reduction axis \(axis) outside -\(rank)..<\(rank) for \(inputShape)")
            }
            reduced[axis < 0 ? axis + rank : axis] = true
        }
        self.inputShape = inputShape
        self.reduced = reduced
        var kept: [Int] = []
        var keptOrOne: [Int] = []
        for axis in 0..<rank {
            keptOrOne.append(reduced[axis] ? 1 : inputShape[axis])
            if !reduced[axis] { kept.append(inputShape[axis]) }
        }
        outputShape = keepDimensions ? keptOrOne : kept
        outputCount = ShapeArithmetic.product(keptOrOne) ?? 0
        var reducedCount = 1
        for axis in 0..<rank where reduced[axis] { reducedCount *= inputShape[axis] }
        self.reducedCount = reducedCount
        outputStrides = zip(ShapeArithmetic.strides(keptOrOne), reduced).map { $1 ? 0 : $0 }
        var trailing = true
        var seenReduced = false
        for axis in 0..<rank {
            if reduced[axis] { seenReduced = true } else if seenReduced { trailing = false }
        }
        self.trailing = trailing
    }

    /// output[j] = Σ of the input elements that reduce to j.
    func sum(_ x: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        if trailing {
            for j in 0..<outputCount { output[j] = ReductionLayout.blockSum(x + j * reducedCount, reducedCount) }
            return
        }
        output.update(repeating: 0, count: outputCount)
        let rank = inputShape.count
        guard inputCount > 0, rank > 0 else { return }
        let inner = inputShape[rank - 1], innerStride = outputStrides[rank - 1]
        var coordinates = SIMD8<Int>(repeating: 0)
        var outputOffset = 0
        for row in 0..<(inputCount / inner) {
            let source = x + row * inner
            for k in 0..<inner { output[outputOffset + k * innerStride] += source[k] }
            var axis = rank - 2
            while axis >= 0 {
                coordinates[axis] += 1
                outputOffset += outputStrides[axis]
                if coordinates[axis] < inputShape[axis] { break }
                outputOffset -= outputStrides[axis] * inputShape[axis]
                coordinates[axis] = 0
                axis -= 1
            }
        }
    }

    /// Sum of `count` contiguous floats: eight SIMD partial sums, then the tail.
    @inline(__always)
    static func blockSum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var accumulator = SIMD8<Float>(repeating: 0)
        var index = 0
        while index + 8 <= count {
            accumulator += SIMDMemory.load8(x + index)
            index += 8
        }
        var total = accumulator.sum()
        while index < count {
            total += x[index]
            index += 1
        }
        return total
    }

    /// Reference: for every output element, the input elements that reduce to it, summed in input order.
    func referenceSum(_ x: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let rank = inputShape.count
        for j in 0..<outputCount { output[j] = 0 }
        for flat in 0..<inputCount {
            var remainder = flat, target = 0
            for axis in stride(from: rank - 1, through: 0, by: -1) {
                target += (remainder % inputShape[axis]) * outputStrides[axis]
                remainder /= inputShape[axis]
            }
            output[target] += x[flat]
        }
    }
}

/// TFLite MEAN: the average over the reduced axes (an empty reduction gives NaN, 0/0, as TFLite).
public enum Mean {
    /// Sums as `ReductionLayout` describes, then divides by the number of combined elements.
    public static func run(_ x: UnsafePointer<Float>, layout: ReductionLayout, output: UnsafeMutablePointer<Float>) {
        layout.sum(x, output: output)
        let count = Float(layout.reducedCount)
        for j in 0..<layout.outputCount { output[j] /= count }
    }

    /// Scalar reference of `run`.
    public static func reference(_ x: UnsafePointer<Float>, layout: ReductionLayout,
                                 output: UnsafeMutablePointer<Float>) {
        layout.referenceSum(x, output: output)
        for j in 0..<layout.outputCount { output[j] = output[j] / Float(layout.reducedCount) }
    }
}

/// TFLite SUM: the sum over the reduced axes.
public enum Sum {
    /// Sums as `ReductionLayout` describes.
    public static func run(_ x: UnsafePointer<Float>, layout: ReductionLayout, output: UnsafeMutablePointer<Float>) {
        layout.sum(x, output: output)
    }

    /// Scalar reference of `run`.
    public static func reference(_ x: UnsafePointer<Float>, layout: ReductionLayout,
                                 output: UnsafeMutablePointer<Float>) {
        layout.referenceSum(x, output: output)
    }
}
