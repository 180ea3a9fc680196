/// Why one of the spatial-transformer kernels (`LandmarksToTransformMatrix`, `BilinearSpatialTransformer`,
/// `TransformLandmarksKernel`) refused its input. Every check runs before anything is read or written through the
/// caller's pointers, so bad input never traps and never produces a partial or silently wrong result.
public enum SpatialTransformerError: Error, Equatable, CustomStringConvertible {
    /// A size (`name`: height, width, channels, count, outputWidth, ...) is zero or negative.
    case nonPositiveSize(name: String, value: Int)
    /// The element count of a tensor (`name`) does not fit in `Int`.
    case sizeOverflow(name: String)
    /// The number of components per point is not one the kernel supports (`supported` describes which are).
    case unsupportedDimensions(Int, supported: String)
    /// An index (`name`: leftRotationIndex, rightRotationIndex, subsetIndices[k]) is outside `0..<count`.
    case indexOutOfRange(name: String, index: Int, count: Int)
    /// `subsetIndices` is empty, so no bounding box can be measured.
    case emptySubset
    /// A scale option (`name`: scaleX or scaleY) is zero, negative, infinite or NaN.
    case invalidScale(name: String, value: Float)
    /// A value that must be finite (`name`: a matrix entry, an option, a landmark coordinate) is infinite or NaN.
    case nonFinite(name: String)

    /// A one-line, human-readable explanation naming the offending argument and value.
    public var description: String {
        switch self {
        case let .nonPositiveSize(name, value): return "spatial transformer: \(name) must be positive, got \(value)"
        case let .sizeOverflow(name): return "spatial transformer: the element count of \(name) overflows Int"
        case let .unsupportedDimensions(value, supported):
            return "spatial transformer: \(value) components per point is not supported (\(supported))"
        case let .indexOutOfRange(name, index, count):
            return "spatial transformer: \(name) = \(index) is outside 0..<\(count)"
        case .emptySubset: return "spatial transformer: subsetIndices is empty"
        case let .invalidScale(name, value):
            return "spatial transformer: \(name) must be positive and finite, got \(value)"
        case let .nonFinite(name): return "spatial transformer: \(name) is not finite"
        }
    }
}
