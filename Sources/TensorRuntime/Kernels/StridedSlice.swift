/// Strided slicing of a row-major Float32 tensor (TFLite STRIDED_SLICE).
///
/// Along each axis i of size d the slice starts at begin[i], steps by strides[i] and stops before end[i], with
/// TFLite's rules: negative indices count from the end (+d); then the start is clamped to [0, d] for positive strides
/// and [−1, d − 1] for negative ones, and so is the stop. Bit i of `beginMask` / `endMask` ignores begin[i] / end[i]
/// and takes the widest range in the stride's direction. Bit i of `shrinkAxisMask` takes the single element at the
/// (mask-adjusted, wrapped) start and removes axis i from the output; that index must lie inside the axis and the
/// stride must be positive. Ellipsis and new-axis masks are not supported.
public enum StridedSlice {
    /// The slice specification: one begin, end and stride per input axis, plus bit masks (bit i = axis i).
    public struct Parameters: Sendable, Equatable {
        /// First index per axis (ignored where `beginMask` has the axis bit).
        public var begin: [Int]
        /// Exclusive stop index per axis (ignored where `endMask` has the axis bit).
        public var end: [Int]
        /// Step per axis; never 0.
        public var strides: [Int]
        /// Axes whose begin is replaced by the start of the axis (in the stride's direction).
        public var beginMask: Int
        /// Axes whose end is replaced by the end of the axis (in the stride's direction).
        public var endMask: Int
        /// Axes reduced to the single element at their start and dropped from the output shape.
        public var shrinkAxisMask: Int
        /// TFLite ellipsis mask; must be 0 (unsupported).
        public var ellipsisMask: Int
        /// TFLite new-axis mask; must be 0 (unsupported).
        public var newAxisMask: Int

        /// Creates a slice specification; the masks default to 0.
        public init(begin: [Int], end: [Int], strides: [Int], beginMask: Int = 0, endMask: Int = 0,
                    shrinkAxisMask: Int = 0, ellipsisMask: Int = 0, newAxisMask: Int = 0) {
            self.begin = begin
            self.end = end
            self.strides = strides
            self.beginMask = beginMask
            self.endMask = endMask
            self.shrinkAxisMask = shrinkAxisMask
            self.ellipsisMask = ellipsisMask
            self.newAxisMask = newAxisMask
        }
    }

    /// The resolved walk along one input axis (internal): `count` indices start, start + step, ...
    struct AxisWalk: Equatable {
        var start: Int
        var step: Int
        var count: Int
        var shrinks: Bool
    }

    /// The output shape (input axes in order, shrunk axes removed).
    /// - Throws: `PlanError` for unsupported masks, parameter arrays whose length is not the input rank,
    ///   zero strides, negative sizes, or shrink indices outside their axis.
    public static func outputShape(inputShape: [Int], parameters: Parameters) throws -> [Int] {
        try resolve(inputShape: inputShape, parameters: parameters).filter { !$0.shrinks }.map(\.count)
    }

    /// Fast strided slice: contiguous row copies when the innermost axis has stride 1, element gathers otherwise.
    /// - Parameters:
    ///   - input: row-major input of shape `inputShape`.
    ///   - inputShape: the input's shape.
    ///   - parameters: begin, end and strides with TFLite's masks.
    ///   - output: `outputShape(inputShape:parameters:)` element count floats; must not overlap the input.
    /// - Throws: as `outputShape(inputShape:parameters:)`.
    public static func run(input: UnsafePointer<Float>, inputShape: [Int], parameters: Parameters,
                           output: UnsafeMutablePointer<Float>) throws {
        let walks = try resolve(inputShape: inputShape, parameters: parameters)
        run(input: input, walks: walks, strides: ShapeArithmetic.strides(inputShape), output: output)
    }

    /// The copy itself, from walks resolved beforehand (`resolve`) and the input's row-major strides; allocates
    /// nothing (the plan resolves once and calls this on every run).
    static func run(input: UnsafePointer<Float>, walks: [AxisWalk], strides: [Int], output: UnsafeMutablePointer<Float>) {
        let rank = walks.count
        var count = 1
        for walk in walks { count *= walk.count }
        if count == 0 { return }
        if rank == 0 {
            output[0] = input[0]
            return
        }
        let inner = walks[rank - 1]
        let innerStep = inner.step * strides[rank - 1]
        withUnsafeTemporaryAllocation(of: Int.self, capacity: rank) { coordinates in
            coordinates.initialize(repeating: 0)
            var written = 0
            while written < count {
                var offset = inner.start * strides[rank - 1]
                for axis in 0..<(rank - 1) {
                    offset += (walks[axis].start + coordinates[axis] * walks[axis].step) * strides[axis]
                }
                let destination = output + written
                if innerStep == 1 {
                    destination.update(from: input + offset, count: inner.count)
                } else {
                    for index in 0..<inner.count { destination[index] = input[offset + index * innerStep] }
                }
                written += inner.count
                var axis = rank - 2
                while axis >= 0 {
                    coordinates[axis] += 1
                    if coordinates[axis] < walks[axis].count { break }
                    coordinates[axis] = 0
                    axis -= 1
                }
            }
        }
    }

    /// Applies the TFLite begin/end/stride/mask rules to every axis.
    static func resolve(inputShape: [Int], parameters p: Parameters) throws -> [AxisWalk] {
        guard p.ellipsisMask == 0 else { throw PlanError.unsupported("STRIDED_SLICE ellipsis_mask \(p.ellipsisMask)") }
        guard p.newAxisMask == 0 else { throw PlanError.unsupported("STRIDED_SLICE new_axis_mask \(p.newAxisMask)") }
        let rank = inputShape.count
        guard p.begin.count == rank, p.end.count == rank, p.strides.count == rank else {
            throw PlanError.sizeMismatch(
                "STRIDED_SLICE of a rank-\(rank) input needs \(rank) begin/end/strides values, got "
                    + "\(p.begin.count)/\(p.end.count)/\(p.strides.count)")
        }
        _ = try ShapeArithmetic.elementCount(inputShape, name: "STRIDED_SLICE input")
        guard rank <= 62 else { throw PlanError.unsupported("STRIDED_SLICE of rank \(rank)") }
        var walks: [AxisWalk] = []
        for axis in 0..<rank {
            let size = inputShape[axis], step = p.strides[axis]
            guard step != 0, step != Int.min else {
                throw PlanError.invalidArgument("STRIDED_SLICE axis \(axis) has stride \(step)")
            }
            let bit = 1 << axis
            var start: Int
            if p.beginMask & bit != 0 {
                start = step > 0 ? 0 : size - 1
            } else {
                start = p.begin[axis] < 0 ? p.begin[axis] + size : p.begin[axis]
            }
            if p.shrinkAxisMask & bit != 0 {
                guard step > 0 else {
                    throw PlanError.invalidArgument("STRIDED_SLICE shrinks axis \(axis) with stride \(step) ≤ 0")
                }
                guard start >= 0 && start < size else {
                    throw PlanError.invalidArgument(
                        "STRIDED_SLICE shrink index \(p.begin[axis]) is outside axis \(axis) of size \(size)")
                }
                walks.append(AxisWalk(start: start, step: 1, count: 1, shrinks: true))
                continue
            }
            var stop: Int
            if p.endMask & bit != 0 {
                stop = step > 0 ? size : -1
            } else {
                stop = p.end[axis] < 0 ? p.end[axis] + size : p.end[axis]
            }
            let low = step > 0 ? 0 : -1, high = step > 0 ? size : size - 1
            start = min(max(start, low), high)
            stop = min(max(stop, low), high)
            let span = step > 0 ? stop - start : start - stop
            let magnitude = step > 0 ? step : -step
            let count = span <= 0 ? 0 : (span - 1) / magnitude + 1
            walks.append(AxisWalk(start: start, step: step, count: count, shrinks: false))
        }
        return walks
    }

    // MARK: - Reference

    /// Scalar reference, independent of `resolve` (the fast path's mask logic): it applies the TFLite rules
    /// axis by axis to list the selected input indices explicitly (walking from the start while before the stop),
    /// then reads the row-major product of those lists. Throws `PlanError` for the same inputs as `run`.
    public static func reference(input: UnsafePointer<Float>, inputShape: [Int], parameters p: Parameters,
                                 output: UnsafeMutablePointer<Float>) throws {
        let rank = inputShape.count
        guard p.ellipsisMask == 0, p.newAxisMask == 0 else {
            throw PlanError.unsupported("STRIDED_SLICE ellipsis/new-axis masks \(p.ellipsisMask)/\(p.newAxisMask)")
        }
        guard p.begin.count == rank, p.end.count == rank, p.strides.count == rank else {
            throw PlanError.sizeMismatch("STRIDED_SLICE parameters do not match rank \(rank)")
        }
        _ = try ShapeArithmetic.elementCount(inputShape, name: "STRIDED_SLICE input")
        guard rank <= 62 else { throw PlanError.unsupported("STRIDED_SLICE of rank \(rank)") }
        var selected: [[Int]] = []
        for axis in 0..<rank {
            let size = inputShape[axis], step = p.strides[axis]
            let isSet = { (mask: Int) in (mask >> axis) & 1 == 1 }
            guard step != 0, step != Int.min else { throw PlanError.invalidArgument("STRIDED_SLICE stride \(step)") }
            func wrapped(_ index: Int) -> Int { index < 0 ? index + size : index }
            if isSet(p.shrinkAxisMask) {
                let index = isSet(p.beginMask) ? 0 : wrapped(p.begin[axis])
                guard step > 0, (0..<size).contains(index) else {
                    throw PlanError.invalidArgument("STRIDED_SLICE cannot shrink axis \(axis) at \(p.begin[axis])")
                }
                selected.append([index])
                continue
            }
            var first: Int, stop: Int
            if step > 0 {
                first = isSet(p.beginMask) ? 0 : min(max(wrapped(p.begin[axis]), 0), size)
                stop = isSet(p.endMask) ? size : min(max(wrapped(p.end[axis]), 0), size)
            } else {
                first = isSet(p.beginMask) ? size - 1 : min(max(wrapped(p.begin[axis]), -1), size - 1)
                stop = isSet(p.endMask) ? -1 : min(max(wrapped(p.end[axis]), -1), size - 1)
            }
            var indices: [Int] = []
            var index = first
            while step > 0 ? index < stop : index > stop {
                indices.append(index)
                index += step
            }
            selected.append(indices)
        }
        // Row-major input strides, computed here rather than shared with the fast path.
        var inputStrides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) {
            inputStrides[axis] = inputStrides[axis + 1] * inputShape[axis + 1]
        }
        let count = selected.reduce(1) { $0 * $1.count }
        for flat in 0..<count {
            var remainder = flat
            var inputIndex = 0
            for axis in stride(from: rank - 1, through: 0, by: -1) {
                let choices = selected[axis]
                inputIndex += choices[remainder % choices.count] * inputStrides[axis]
                remainder /= choices.count
            }
            output[flat] = input[inputIndex]
        }
    }
}
