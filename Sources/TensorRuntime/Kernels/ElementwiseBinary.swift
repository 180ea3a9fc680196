// Broadcasting binary arithmetic on row-major Float32 tensors: TFLite SUB, DIV and SQUARED_DIFFERENCE (and ADD when
// its operands differ in shape), one enum per TFLite op, each with `run` (vectorised where the layout allows) and
// `reference` (scalar, one multi-index per output element). The blendshape network (face_blendshapes.tflite) uses
// them to centre and scale its input landmarks and, unfused, in its layer normalisations.

/// The arithmetic of one broadcasting binary TFLite op.
public enum BinaryArithmetic: Sendable, Equatable {
    /// a + b (TFLite ADD).
    case add
    /// a − b (TFLite SUB).
    case subtract
    /// a · b (TFLite MUL).
    case multiply
    /// a / b (TFLite DIV; IEEE division, b = 0 gives ±inf or NaN as in TFLite's float kernel).
    case divide
    /// (a − b)² (TFLite SQUARED_DIFFERENCE).
    case squaredDifference

    @inline(__always)
    func apply(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        case .squaredDifference: let d = a - b; return d * d
        }
    }

    @inline(__always)
    func apply(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        case .squaredDifference: let d = a - b; return d * d
        }
    }
}

/// How a broadcasting binary op walks its operands (NumPy rules: shapes right-aligned, missing leading axes are 1,
/// along every axis the sizes are equal or one of them is 1). Worked out once; `run` then allocates nothing.
public struct BroadcastLayout: Sendable, Equatable {
    /// The largest supported rank.
    public static let maximumRank = 8
    /// The output shape.
    public let shape: [Int]
    /// Output element count.
    public let count: Int
    /// Per output axis, the operand's element stride (0 where it is broadcast).
    let stridesA: [Int]
    let stridesB: [Int]
    /// Length of the innermost output axis, and each operand's stride along it (0 or 1).
    let rowLength: Int
    let rowStrideA: Int
    let rowStrideB: Int

    /// Plans the broadcast of two row-major operands of shapes `aShape` and `bShape` (TFLite's rules: sizes are
    /// aligned at the innermost axis, and a size of 1 stretches).
    /// - Parameters:
    ///   - aShape: the first operand's shape.
    ///   - bShape: the second operand's shape.
    ///   - operation: the operator's name, for error messages.
    /// - Throws: `PlanError.unsupported` for ranks above 8, `PlanError.invalidArgument` for negative sizes,
    ///   `PlanError.sizeMismatch` when an axis has two different sizes, neither of them 1.
    public init(_ aShape: [Int], _ bShape: [Int], operation: String = "binary op") throws {
        for operand in [aShape, bShape] {
            guard operand.count <= BroadcastLayout.maximumRank else {
                throw PlanError.unsupported("\(operation) supports ranks up to 8, got shape \(operand)")
            }
            _ = try ShapeArithmetic.elementCount(operand, name: "\(operation) operand")
        }
        let rank = max(aShape.count, bShape.count, 1)
        let paddedA = [Int](repeating: 1, count: rank - aShape.count) + aShape
        let paddedB = [Int](repeating: 1, count: rank - bShape.count) + bShape
        var shape: [Int] = []
        for axis in 0..<rank {
            let sizeA = paddedA[axis], sizeB = paddedB[axis]
            guard sizeA == sizeB || sizeA == 1 || sizeB == 1 else {
                throw PlanError.sizeMismatch("\(operation) cannot broadcast shapes \(aShape) and \(bShape) (axis \(axis))")
            }
            shape.append(sizeA == 1 ? sizeB : sizeA)
        }
        self.shape = shape
        count = try ShapeArithmetic.elementCount(shape, name: "\(operation) output")
        stridesA = zip(ShapeArithmetic.strides(paddedA), paddedA).map { $1 == 1 ? 0 : $0 }
        stridesB = zip(ShapeArithmetic.strides(paddedB), paddedB).map { $1 == 1 ? 0 : $0 }
        rowLength = shape[rank - 1]
        rowStrideA = stridesA[rank - 1]
        rowStrideB = stridesB[rank - 1]
    }

    /// output = operation(a, b) with broadcasting; one innermost row at a time, SIMD when both operands are
    /// contiguous along it or one is constant along it. `output` may alias an operand that has the output's shape.
    func run(_ operation: BinaryArithmetic, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
             output: UnsafeMutablePointer<Float>) {
        guard count > 0 else { return }
        let rows = count / rowLength
        walkBroadcastRows(shape: shape, stridesA: stridesA, stridesB: stridesB, rows: rows) { row, offsetA, offsetB in
            runRow(operation, a + offsetA, b + offsetB, output + row * rowLength)
        }
    }

    @inline(__always)
    private func runRow(_ operation: BinaryArithmetic, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                        _ output: UnsafeMutablePointer<Float>) {
        var index = 0
        switch (rowStrideA, rowStrideB) {
        case (1, 1):
            while index + 8 <= rowLength {
                SIMDMemory.store8(operation.apply(SIMDMemory.load8(a + index), SIMDMemory.load8(b + index)),
                                  output + index)
                index += 8
            }
        case (1, 0):
            let scalar = SIMD8<Float>(repeating: b[0])
            while index + 8 <= rowLength {
                SIMDMemory.store8(operation.apply(SIMDMemory.load8(a + index), scalar), output + index)
                index += 8
            }
        case (0, 1):
            let scalar = SIMD8<Float>(repeating: a[0])
            while index + 8 <= rowLength {
                SIMDMemory.store8(operation.apply(scalar, SIMDMemory.load8(b + index)), output + index)
                index += 8
            }
        default:
            break
        }
        while index < rowLength {
            output[index] = operation.apply(a[index * rowStrideA], b[index * rowStrideB])
            index += 1
        }
    }

    /// Scalar reference: every output element maps its own multi-index to both operands.
    func reference(_ operation: BinaryArithmetic, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                   output: UnsafeMutablePointer<Float>) {
        for flat in 0..<count {
            var remainder = flat, indexA = 0, indexB = 0
            for axis in stride(from: shape.count - 1, through: 0, by: -1) {
                let coordinate = remainder % shape[axis]
                remainder /= shape[axis]
                indexA += coordinate * stridesA[axis]
                indexB += coordinate * stridesB[axis]
            }
            output[flat] = operation.apply(a[indexA], b[indexB])
        }
    }
}

/// Walks the `rows` innermost rows of a broadcast output of `shape` in row-major order, calling `body` with each
/// row's index and the element offsets of both operands at its start (`stridesA`/`stridesB`: per output axis, the
/// operand's stride, 0 where it is broadcast). The outer multi-index advances like an odometer; allocates nothing.
@inline(__always)
func walkBroadcastRows(shape: [Int], stridesA: [Int], stridesB: [Int], rows: Int,
                       _ body: (_ row: Int, _ offsetA: Int, _ offsetB: Int) -> Void) {
    let rank = shape.count
    withUnsafeTemporaryAllocation(of: Int.self, capacity: rank) { coordinates in
        coordinates.initialize(repeating: 0)
        var offsetA = 0, offsetB = 0
        for row in 0..<rows {
            body(row, offsetA, offsetB)
            var axis = rank - 2
            while axis >= 0 {
                coordinates[axis] += 1
                offsetA += stridesA[axis]
                offsetB += stridesB[axis]
                if coordinates[axis] < shape[axis] { break }
                offsetA -= stridesA[axis] * shape[axis]
                offsetB -= stridesB[axis] * shape[axis]
                coordinates[axis] = 0
                axis -= 1
            }
        }
    }
}

/// A TFLite broadcasting binary op whose kernel is `BroadcastLayout` applying one `BinaryArithmetic`.
public protocol BroadcastingBinaryOp {
    /// The element-wise arithmetic of the op.
    static var arithmetic: BinaryArithmetic { get }
}

extension BroadcastingBinaryOp {
    /// Vectorised op over `BroadcastLayout(aShape, bShape)` (row-major operands); `output` holds `layout.count`
    /// floats and may alias an operand that has the output's shape.
    public static func run(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, layout: BroadcastLayout,
                           output: UnsafeMutablePointer<Float>) {
        layout.run(arithmetic, a, b, output: output)
    }

    /// Scalar reference of `run`.
    public static func reference(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, layout: BroadcastLayout,
                                 output: UnsafeMutablePointer<Float>) {
        layout.reference(arithmetic, a, b, output: output)
    }
}

/// TFLite SUB with broadcasting: output = a − b (no fused activation: the models' SUBs have none).
public enum Sub: BroadcastingBinaryOp {
    /// a − b.
    public static var arithmetic: BinaryArithmetic { .subtract }
}

/// TFLite DIV with broadcasting: output = a / b (IEEE float division, as TFLite's float kernel).
public enum Div: BroadcastingBinaryOp {
    /// a / b.
    public static var arithmetic: BinaryArithmetic { .divide }
}

/// TFLite SQUARED_DIFFERENCE with broadcasting: output = (a − b)².
public enum SquaredDifference: BroadcastingBinaryOp {
    /// (a − b)².
    public static var arithmetic: BinaryArithmetic { .squaredDifference }
}
