/// Elementwise multiplication with NumPy-style broadcasting (TFLite MUL), ranks up to 8.
///
/// Shapes are right-aligned; missing leading dimensions count as 1. Along every axis the two sizes must be equal
/// or one of them 1 (that operand is then repeated). The output is row-major with `outputShape(a, b)`.
/// A rank-0 shape `[]` is a scalar.
public enum Mul {
    /// The largest supported rank.
    public static let maximumRank = 8

    /// The broadcast shape of `a` and `b`.
    /// - Throws: `PlanError.unsupported` for ranks above 8, `PlanError.invalidArgument` for negative sizes,
    ///   `PlanError.sizeMismatch` when an axis has two different sizes, neither of them 1.
    public static func outputShape(_ a: [Int], _ b: [Int]) throws -> [Int] {
        for shape in [a, b] {
            guard shape.count <= maximumRank else {
                throw PlanError.unsupported("MUL supports ranks up to \(maximumRank), got shape \(shape)")
            }
            _ = try ShapeArithmetic.elementCount(shape, name: "MUL operand")
        }
        let rank = max(a.count, b.count)
        let paddedA = [Int](repeating: 1, count: rank - a.count) + a
        let paddedB = [Int](repeating: 1, count: rank - b.count) + b
        var shape: [Int] = []
        for axis in 0..<rank {
            let sizeA = paddedA[axis], sizeB = paddedB[axis]
            if sizeA == sizeB || sizeB == 1 {
                shape.append(sizeA)
            } else if sizeA == 1 {
                shape.append(sizeB)
            } else {
                throw PlanError.sizeMismatch("MUL cannot broadcast shapes \(a) and \(b) (axis \(axis))")
            }
        }
        return shape
    }

    /// Fast broadcasting multiply: SIMD loops for equal shapes and scalar operands, otherwise a row-wise walk.
    /// - Parameters:
    ///   - a: the first row-major operand.
    ///   - aShape: the shape of `a`.
    ///   - b: the second row-major operand.
    ///   - bShape: the shape of `b`.
    ///   - output: `outputShape(aShape, bShape)` element count floats; may alias an operand of the output's shape.
    /// - Throws: as `outputShape(_:_:)`.
    public static func run(_ a: UnsafePointer<Float>, shape aShape: [Int], _ b: UnsafePointer<Float>,
                           shape bShape: [Int], output: UnsafeMutablePointer<Float>) throws {
        try Layout(aShape, bShape).run(a, b, output: output)
    }

    /// How one broadcast multiply walks its operands, worked out once (internal; the plan keeps one per step so
    /// that running it allocates nothing).
    struct Layout {
        enum Mode {
            /// Equal element counts: output[i] = a[i] · b[i].
            case elementwise
            /// b is a single value.
            case scaleA
            /// a is a single value.
            case scaleB
            /// General broadcasting, one innermost row at a time.
            case rows
        }
        let mode: Mode
        let count: Int
        /// Output shape and the operands' broadcast strides (0 along axes where the operand has size 1), for `.rows`.
        let shape: [Int]
        let stridesA: [Int]
        let stridesB: [Int]

        /// - Throws: as `outputShape(_:_:)`.
        init(_ aShape: [Int], _ bShape: [Int]) throws {
            shape = try outputShape(aShape, bShape)
            count = ShapeArithmetic.product(shape) ?? 0
            let countA = ShapeArithmetic.product(aShape) ?? 0, countB = ShapeArithmetic.product(bShape) ?? 0
            let rank = shape.count
            let paddedA = [Int](repeating: 1, count: rank - aShape.count) + aShape
            let paddedB = [Int](repeating: 1, count: rank - bShape.count) + bShape
            stridesA = zip(ShapeArithmetic.strides(paddedA), paddedA).map { $1 == 1 ? 0 : $0 }
            stridesB = zip(ShapeArithmetic.strides(paddedB), paddedB).map { $1 == 1 ? 0 : $0 }
            if countA == count && countB == count {
                mode = .elementwise
            } else if countB == 1 {
                mode = .scaleA
            } else if countA == 1 {
                mode = .scaleB
            } else {
                mode = .rows
            }
        }

        /// Multiplies; `output` may alias an operand of the output's shape.
        func run(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
            if count == 0 { return }
            switch mode {
            case .elementwise: multiply(a, b, count: count, output: output)
            case .scaleA: scale(a, by: b[0], count: count, output: output)
            case .scaleB: scale(b, by: a[0], count: count, output: output)
            case .rows: broadcastRows(a, b, output: output)
            }
        }

        /// General case: walks the output one innermost row at a time, with an odometer over the outer axes.
        private func broadcastRows(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                   output: UnsafeMutablePointer<Float>) {
            let rank = shape.count
            let rowLength = shape[rank - 1]
            let innerA = stridesA[rank - 1], innerB = stridesB[rank - 1]
            let rows = count / rowLength
            walkBroadcastRows(shape: shape, stridesA: stridesA, stridesB: stridesB, rows: rows) { row, offsetA, offsetB in
                let destination = output + row * rowLength
                if innerA == 1 && innerB == 1 {
                    multiply(a + offsetA, b + offsetB, count: rowLength, output: destination)
                } else if innerB == 0 && innerA == 1 {
                    scale(a + offsetA, by: b[offsetB], count: rowLength, output: destination)
                } else if innerA == 0 && innerB == 1 {
                    scale(b + offsetB, by: a[offsetA], count: rowLength, output: destination)
                } else {
                    for index in 0..<rowLength {
                        destination[index] = a[offsetA + index * innerA] * b[offsetB + index * innerB]
                    }
                }
            }
        }
    }

    /// Scalar reference: every output element computed from its multi-index.
    /// - Throws: as `outputShape(_:_:)`.
    public static func reference(_ a: UnsafePointer<Float>, shape aShape: [Int], _ b: UnsafePointer<Float>,
                                 shape bShape: [Int], output: UnsafeMutablePointer<Float>) throws {
        let shape = try outputShape(aShape, bShape)
        let rank = shape.count
        let paddedA = [Int](repeating: 1, count: rank - aShape.count) + aShape
        let paddedB = [Int](repeating: 1, count: rank - bShape.count) + bShape
        let stridesA = ShapeArithmetic.strides(paddedA), stridesB = ShapeArithmetic.strides(paddedB)
        let count = ShapeArithmetic.product(shape) ?? 0
        for flat in 0..<count {
            var remainder = flat
            var indexA = 0, indexB = 0
            for axis in stride(from: rank - 1, through: 0, by: -1) {
                let coordinate = remainder % shape[axis]
                remainder /= shape[axis]
                if paddedA[axis] != 1 { indexA += coordinate * stridesA[axis] }
                if paddedB[axis] != 1 { indexB += coordinate * stridesB[axis] }
            }
            output[flat] = a[indexA] * b[indexB]
        }
    }

    /// output[i] = a[i] · b[i].
    fileprivate static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int,
                                 output: UnsafeMutablePointer<Float>) {
        var index = 0
        while index + 8 <= count {
            SIMDMemory.store8(SIMDMemory.load8(a + index) * SIMDMemory.load8(b + index), output + index)
            index += 8
        }
        while index < count {
            output[index] = a[index] * b[index]
            index += 1
        }
    }

    /// output[i] = x[i] · factor.
    fileprivate static func scale(_ x: UnsafePointer<Float>, by factor: Float, count: Int,
                              output: UnsafeMutablePointer<Float>) {
        let factors = SIMD8<Float>(repeating: factor)
        var index = 0
        while index + 8 <= count {
            SIMDMemory.store8(SIMDMemory.load8(x + index) * factors, output + index)
            index += 8
        }
        while index < count {
            output[index] = x[index] * factor
            index += 1
        }
    }
}
