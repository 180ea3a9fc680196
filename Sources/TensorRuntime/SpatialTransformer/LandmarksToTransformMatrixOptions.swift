/// Options of `LandmarksToTransformMatrix` (the `Landmarks2TransformMatrix` v2 custom operator's flexbuffer
/// options). They describe which landmarks set the crop's orientation and extent, and the crop's size in pixels.
public struct LandmarksToTransformMatrixOptions: Sendable, Equatable {
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
