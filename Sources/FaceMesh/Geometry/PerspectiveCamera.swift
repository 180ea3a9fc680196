import Foundation

/// The virtual pinhole camera through which MediaPipe's face-geometry pipeline interprets image landmarks.
///
/// Camera space is right-handed, in centimetres: +x to the image right, +y to the image top, the camera at the
/// origin looking down −z (points in front of it have z < 0). The image has its origin at the top-left corner,
/// x to the right and y downwards, in pixels. The principal point is the image centre and pixels are square:
/// the near-plane rectangle is `nearPlaneHeight = 2 · near · tan(FOV/2)` high and
/// `nearPlaneHeight · width / height` wide, centred on the axis.
///
/// MediaPipe's default environment (used by its Tasks API and face-effect graphs) is
/// `PerspectiveCamera.mediaPipeDefault`: vertical FOV 63°, near 1 cm, far 10,000 cm, origin top-left.
public struct PerspectiveCamera: Hashable, Sendable {
    /// Vertical field of view in degrees, in (0, 180).
    public let verticalFieldOfViewDegrees: Double
    /// Distance of the near clipping plane in centimetres (> 0); the plane onto which image points are placed.
    public let near: Double
    /// Distance of the far clipping plane in centimetres (> near); only used by `projectionMatrixRowMajor`.
    public let far: Double

    /// MediaPipe's default: vertical FOV 63°, near 1 cm, far 10,000 cm.
    public static let mediaPipeDefault = PerspectiveCamera(checkedFieldOfView: 63, near: 1, far: 10_000)

    /// Creates a camera.
    /// - Throws: `FaceGeometryError.invalidCamera` unless 0 < FOV < 180 and 0 < near < far (all finite).
    public init(verticalFieldOfViewDegrees: Double = 63, near: Double = 1, far: Double = 10_000) throws {
        guard verticalFieldOfViewDegrees > 0, verticalFieldOfViewDegrees < 180, near > 0, far > near,
              far.isFinite else {
            throw FaceGeometryError.invalidCamera(verticalFieldOfViewDegrees: verticalFieldOfViewDegrees,
                                                  near: near, far: far)
        }
        self.init(checkedFieldOfView: verticalFieldOfViewDegrees, near: near, far: far)
    }

    private init(checkedFieldOfView: Double, near: Double, far: Double) {
        verticalFieldOfViewDegrees = checkedFieldOfView
        self.near = near
        self.far = far
    }

    /// Width and height (centimetres) of the visible rectangle on the near plane for a `width`×`height` image.
    /// - Throws: `FaceGeometryError.invalidImageSize` if a dimension is not positive.
    public func nearPlaneSize(imageWidth: Int, imageHeight: Int) throws -> SIMD2<Double> {
        guard imageWidth > 0, imageHeight > 0 else {
            throw FaceGeometryError.invalidImageSize(width: imageWidth, height: imageHeight)
        }
        let height = 2 * near * tan(verticalFieldOfViewDegrees * .pi / 360)
        return SIMD2(height * Double(imageWidth) / Double(imageHeight), height)
    }

    /// Focal length in pixels for an image `imageHeight` pixels high: (height / 2) / tan(FOV / 2).
    public func focalLengthInPixels(imageHeight: Int) -> Double {
        Double(imageHeight) / 2 / tan(verticalFieldOfViewDegrees * .pi / 360)
    }

    /// Projects a camera-space point (centimetres) to image pixels (origin top-left, y down).
    /// - Throws: `FaceGeometryError.pointBehindCamera` if `point.z >= 0`, `.invalidImageSize` for a bad size.
    public func imagePoint(ofCameraPoint point: SIMD3<Double>, imageWidth: Int, imageHeight: Int) throws -> SIMD2<Double> {
        let size = try nearPlaneSize(imageWidth: imageWidth, imageHeight: imageHeight)
        guard point.z < 0 else { throw FaceGeometryError.pointBehindCamera(z: point.z) }
        let depth = -point.z
        let nearX = near * point.x / depth, nearY = near * point.y / depth
        let x = (nearX / size.x + 0.5) * Double(imageWidth)
        let y = (0.5 - nearY / size.y) * Double(imageHeight)
        return SIMD2(x, y)
    }

    /// The OpenGL-style perspective projection matrix (camera space → clip space), 16 values in row-major order.
    ///
    /// Clip coordinates divided by w give normalized device coordinates in [−1, 1] with y up and depth −1 at the
    /// near plane, +1 at the far plane; NDC (x, y) maps to pixels as ((x + 1)/2 · width, (1 − y)/2 · height).
    /// - Throws: `FaceGeometryError.invalidImageSize` if a dimension is not positive.
    public func projectionMatrixRowMajor(imageWidth: Int, imageHeight: Int) throws -> [Float] {
        let size = try nearPlaneSize(imageWidth: imageWidth, imageHeight: imageHeight)
        let depthRange = far - near
        let values: [Double] = [
            2 * near / size.x, 0, 0, 0,
            0, 2 * near / size.y, 0, 0,
            0, 0, -(far + near) / depthRange, -2 * far * near / depthRange,
            0, 0, -1, 0,
        ]
        return values.map { Float($0) }
    }
}
