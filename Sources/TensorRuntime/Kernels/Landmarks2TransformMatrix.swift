import Foundation

/// The `Landmarks2TransformMatrix` v2 custom operator: from a set of 2-D landmarks, builds the affine matrix that
/// maps the pixels of an oriented, axis-scaled crop around a subset of those landmarks back to the landmarks'
/// coordinate frame. `TransformTensorBilinear` then samples the crop with it.
///
/// Math (all in `Float`, as the reference operator does; `Rot(a) = [[cos a, −sin a], [sin a, cos a]]`):
/// 1. Orientation: `φ = targetRotationRadians − atan2(P_r.y − P_l.y, P_r.x − P_l.x)` with `l`, `r` the left and
///    right rotation indices (their order matters: swapping them turns the crop by π).
/// 2. Extent: every subset landmark is rotated, `q_i = Rot(φ)·(x_i, y_i)`; `w = max q.x − min q.x`,
///    `h = max q.y − min q.y`, and the centre is the box centre rotated back, `c = Rot(−φ)·((min q + max q) / 2)`.
///    Coordinates beyond the first two (z) are ignored.
/// 3. With `θ = −φ`, `s_x = scaleX·w / outputWidth`, `s_y = scaleY·h / outputHeight`, `W = outputWidth`,
///    `H = outputHeight`: `T = Shift(c) · Rot(θ) · Scale(s_x, s_y) · Shift(−W/2, −H/2)`, that is, row-major
///    ```
///    [ s_x·cosθ  −s_y·sinθ  0  c.x − (W/2)·s_x·cosθ + (H/2)·s_y·sinθ ]
///    [ s_x·sinθ   s_y·cosθ  0  c.y − (W/2)·s_x·sinθ − (H/2)·s_y·cosθ ]
///    [ 0          0         1  0 ]
///    [ 0          0         0  1 ]
///    ```
///    `T·(u, v, 0, 1)` gives the landmark-frame position of crop pixel coordinate `(u, v)`; the crop centre
///    `(W/2, H/2)` maps to `c`, and the crop spans `scaleX·w` by `scaleY·h` landmark units.
///
/// The reference parser groups `subset_idxs` in pairs and repeats the last index when the count is odd; since only
/// the minimum and maximum matter, that has no effect and this kernel takes the plain index list.
public enum Landmarks2TransformMatrix {
    /// Computes the 4×4 row-major matrix `T` described on the type.
    ///
    /// - Parameters:
    ///   - landmarks: `count × dimensions` floats, row-major (point `i` at `landmarks[i·dimensions ..< (i+1)·dimensions]`:
    ///     x, y, then z and any further components, which are ignored). Any unit (the model uses feature-map pixels).
    ///   - count: number of landmarks; every index in `options` must lie in `0..<count`.
    ///   - dimensions: components per landmark, at least 2.
    ///   - options: crop size, margins, orientation landmarks and subset.
    ///   - matrix: receives 16 floats, row-major. Written only on success.
    /// - Throws: `PlanError` for a non-positive size or count, `dimensions < 2`, an index out of range,
    ///   an empty subset, a non-positive or non-finite scale, a non-finite target rotation, or a non-finite x or y
    ///   among the landmarks the computation reads.
    public static func run(landmarks: UnsafePointer<Float>, count: Int, dimensions: Int,
                               options: Landmarks2TransformMatrixOptions,
                               matrix: UnsafeMutablePointer<Float>) throws {
        try validate(count: count, dimensions: dimensions, options: options)
        func point(_ index: Int) -> (x: Float, y: Float) {
            (landmarks[index * dimensions], landmarks[index * dimensions + 1])
        }
        func checkFinite(_ index: Int, _ name: String) throws {
            let p = point(index)
            guard p.x.isFinite && p.y.isFinite else {
                throw PlanError.nonFinite(name: "\(name) landmark \(index)")
            }
        }
        try checkFinite(options.leftRotationIndex, "left rotation")
        try checkFinite(options.rightRotationIndex, "right rotation")
        for index in options.subsetIndices { try checkFinite(index, "subset") }

        // 1. Orientation.
        let left = point(options.leftRotationIndex)
        let right = point(options.rightRotationIndex)
        let phi = options.targetRotationRadians - atan2(right.y - left.y, right.x - left.x)
        let cosPhi = cos(phi), sinPhi = sin(phi)

        // 2. Bounding box of the subset in the rotated frame.
        var minimum = (x: Float.infinity, y: Float.infinity)
        var maximum = (x: -Float.infinity, y: -Float.infinity)
        for index in options.subsetIndices {
            let p = point(index)
            let qx = cosPhi * p.x - sinPhi * p.y
            let qy = sinPhi * p.x + cosPhi * p.y
            minimum = (min(minimum.x, qx), min(minimum.y, qy))
            maximum = (max(maximum.x, qx), max(maximum.y, qy))
        }
        let boxWidth = maximum.x - minimum.x
        let boxHeight = maximum.y - minimum.y
        let middleX = (minimum.x + maximum.x) / 2
        let middleY = (minimum.y + maximum.y) / 2

        // 3. T = Shift(c) · Rot(θ) · Scale(s) · Shift(−W/2, −H/2), θ = −φ; c = Rot(θ)·middle.
        let theta = -phi
        let cosTheta = cos(theta), sinTheta = sin(theta)
        let centreX = cosTheta * middleX - sinTheta * middleY
        let centreY = sinTheta * middleX + cosTheta * middleY
        let scaleX = options.scaleX * boxWidth / Float(options.outputWidth)
        let scaleY = options.scaleY * boxHeight / Float(options.outputHeight)
        let shiftX = -Float(options.outputWidth) / 2
        let shiftY = -Float(options.outputHeight) / 2
        let t00 = cosTheta * scaleX, t01 = -sinTheta * scaleY
        let t10 = sinTheta * scaleX, t11 = cosTheta * scaleY
        matrix[0] = t00; matrix[1] = t01; matrix[2] = 0; matrix[3] = (t00 * shiftX + t01 * shiftY) + centreX
        matrix[4] = t10; matrix[5] = t11; matrix[6] = 0; matrix[7] = (t10 * shiftX + t11 * shiftY) + centreY
        matrix[8] = 0; matrix[9] = 0; matrix[10] = 1; matrix[11] = 0
        matrix[12] = 0; matrix[13] = 0; matrix[14] = 0; matrix[15] = 1
    }

    /// Checks sizes, indices and scalar options; see `compute` for the rules.
    static func validate(count: Int, dimensions: Int, options: Landmarks2TransformMatrixOptions) throws {
        guard count > 0 else { throw PlanError.nonPositiveSize(name: "count", value: count) }
        guard dimensions >= 2 else {
            throw PlanError.unsupportedDimensions(dimensions, supported: "at least 2: x, y, ...")
        }
        guard !count.multipliedReportingOverflow(by: dimensions).overflow else {
            throw PlanError.sizeOverflow(name: "landmarks")
        }
        guard options.outputWidth > 0 else {
            throw PlanError.nonPositiveSize(name: "outputWidth", value: options.outputWidth)
        }
        guard options.outputHeight > 0 else {
            throw PlanError.nonPositiveSize(name: "outputHeight", value: options.outputHeight)
        }
        guard options.scaleX > 0 && options.scaleX.isFinite else {
            throw PlanError.invalidScale(name: "scaleX", value: options.scaleX)
        }
        guard options.scaleY > 0 && options.scaleY.isFinite else {
            throw PlanError.invalidScale(name: "scaleY", value: options.scaleY)
        }
        guard options.targetRotationRadians.isFinite else {
            throw PlanError.nonFinite(name: "targetRotationRadians")
        }
        guard (0..<count).contains(options.leftRotationIndex) else {
            throw PlanError.indexOutOfRange(name: "leftRotationIndex",
                                                          index: options.leftRotationIndex, count: count)
        }
        guard (0..<count).contains(options.rightRotationIndex) else {
            throw PlanError.indexOutOfRange(name: "rightRotationIndex",
                                                          index: options.rightRotationIndex, count: count)
        }
        guard !options.subsetIndices.isEmpty else { throw PlanError.emptySubset }
        for (position, index) in options.subsetIndices.enumerated() where !(0..<count).contains(index) {
            throw PlanError.indexOutOfRange(name: "subsetIndices[\(position)]", index: index, count: count)
        }
    }
}

/// Options of `Landmarks2TransformMatrix` (the `Landmarks2TransformMatrix` v2 custom operator's flexbuffer
/// options). They describe which landmarks set the crop's orientation and extent, and the crop's size in pixels.
public struct Landmarks2TransformMatrixOptions: Sendable, Equatable {
    /// Width of the crop the matrix maps from, in crop pixels (`output_width`; 16 in the Attention Mesh).
    public var outputWidth: Int
    /// Height of the crop the matrix maps from, in crop pixels (`output_height`; 16 in the Attention Mesh).
    public var outputHeight: Int
    /// Horizontal margin factor: the crop spans `scaleX` times the subset's width (`scale_x`; 1.5 in the model).
    public var scaleX: Float
    /// Vertical margin factor: the crop spans `scaleY` times the subset's height (`scale_y`; 1.5 in the model).
    public var scaleY: Float
    /// Angle, in radians, that the left→right rotation landmarks should have inside the crop
    /// (`target_rotation_radians`; 0 in the model, i.e. the left→right direction becomes the crop's +x axis).
    public var targetRotationRadians: Float
    /// Index of the landmark that defines the start of the orientation vector (`left_rotation_idx`).
    public var leftRotationIndex: Int
    /// Index of the landmark that defines the end of the orientation vector (`right_rotation_idx`).
    public var rightRotationIndex: Int
    /// Indices of the landmarks whose rotated bounding box sets the crop's centre and size (`subset_idxs`).
    /// Order and repetitions do not matter.
    public var subsetIndices: [Int]

    /// Creates options from every field (memberwise).
    public init(outputWidth: Int, outputHeight: Int, scaleX: Float, scaleY: Float, targetRotationRadians: Float,
                leftRotationIndex: Int, rightRotationIndex: Int, subsetIndices: [Int]) {
        self.outputWidth = outputWidth
        self.outputHeight = outputHeight
        self.scaleX = scaleX
        self.scaleY = scaleY
        self.targetRotationRadians = targetRotationRadians
        self.leftRotationIndex = leftRotationIndex
        self.rightRotationIndex = rightRotationIndex
        self.subsetIndices = subsetIndices
    }
}
