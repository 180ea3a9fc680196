/// Overflow-safe helpers for tensor shapes (internal to the kernels).
enum ShapeArithmetic {
    /// The product of `factors` if every factor is non-negative and the product does not exceed `limit`;
    /// nil otherwise (including on arithmetic overflow).
    static func product(_ factors: [Int], limit: Int = 1 << 40) -> Int? {
        var result = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (value, overflow) = result.multipliedReportingOverflow(by: factor)
            guard !overflow, value <= limit else { return nil }
            result = value
        }
        return result
    }

    /// The element count of `shape`, or `KernelError.invalidArgument` for negative dimensions or absurd sizes.
    static func elementCount(_ shape: [Int], name: String) throws -> Int {
        if let negative = shape.first(where: { $0 < 0 }) {
            throw KernelError.invalidArgument("\(name) shape \(shape) has a negative dimension \(negative)")
        }
        guard let count = product(shape) else {
            throw KernelError.invalidArgument("\(name) shape \(shape) has too many elements")
        }
        return count
    }

    /// Row-major strides of `shape` (the innermost stride is 1).
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }
}
