import Foundation
@testable import FaceMesh
import TestSupport

/// Deterministic random numbers for the geometry tests (bits from `SplitMix64`), with uniform and Gaussian draws.
struct SeededGenerator: RandomNumberGenerator {
    private var bits: SplitMix64

    init(seed: UInt64) { bits = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 {
        bits.next()
    }

    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        Double.random(in: range, using: &self)
    }

    /// A standard normal draw (Box–Muller).
    mutating func gaussian() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne...1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    mutating func gaussianVector() -> SIMD3<Double> {
        SIMD3(gaussian(), gaussian(), gaussian())
    }

    /// A rotation drawn uniformly from SO(3): a normalized Gaussian quaternion, converted to a matrix.
    mutating func rotation() -> Matrix3x3 {
        var q = SIMD4(gaussian(), gaussian(), gaussian(), gaussian())
        q /= (q * q).sum().squareRoot()
        return quaternionToMatrix(q)
    }
}

/// The rotation matrix of the unit quaternion (w, x, y, z).
func quaternionToMatrix(_ q: SIMD4<Double>) -> Matrix3x3 {
    let (w, x, y, z) = (q[0], q[1], q[2], q[3])
    return Matrix3x3(
        rows: SIMD3(1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)),
        SIMD3(2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)),
        SIMD3(2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)))
}

/// Rodrigues' formula: rotation by `degrees` (right-handed) about the unit `axis`.
func axisAngleRotation(axis: SIMD3<Double>, degrees: Double) -> Matrix3x3 {
    let angle = degrees * .pi / 180
    let k = Matrix3x3(rows: SIMD3(0, -axis.z, axis.y), SIMD3(axis.z, 0, -axis.x), SIMD3(-axis.y, axis.x, 0))
    return Matrix3x3.identity + sin(angle) * k + (1 - cos(angle)) * (k * k)
}

/// The documented head-pose convention, built independently: Ry(yaw) · Rx(pitch) · Rz(roll) from Rodrigues.
func referenceRotation(yaw: Double, pitch: Double, roll: Double) -> Matrix3x3 {
    axisAngleRotation(axis: SIMD3(0, 1, 0), degrees: yaw)
        * axisAngleRotation(axis: SIMD3(1, 0, 0), degrees: pitch)
        * axisAngleRotation(axis: SIMD3(0, 0, 1), degrees: roll)
}

/// The canonical model's vertices in `Double`.
func canonicalVertices() -> [SIMD3<Double>] {
    CanonicalFaceModel.mediaPipe.vertices.map { SIMD3(Double($0.x), Double($0.y), Double($0.z)) }
}

/// Synthetic face-mesh landmarks: the canonical face placed in camera space by `rotation`, `translation` (cm) and
/// `scale`, seen by an ideal pinhole camera, in image pixels with MediaPipe-style relative depth.
///
/// Camera model (written independently of `PerspectiveCamera`): focal length f = (H/2) / tan(FOV/2) pixels,
/// principal point at the image centre, camera looking down −z with +y up, so a camera point (X, Y, Z) with depth
/// D = −Z lands at u = W/2 + f·X/D, v = H/2 − f·Y/D. Depth model: z_px = (D − D̄)·f/D̄ + zOffset, i.e. the depth
/// relative to the mean depth D̄ of all 468 points, scaled like x at that mean depth (a length L at depth D̄ spans
/// f·L/D̄ pixels). This is the relation under which MediaPipe's screen-to-metric conversion is exact.
struct SyntheticFace {
    let cameraPoints: [SIMD3<Double>]
    let imageLandmarks: [Landmark]

    init(rotation: Matrix3x3, translation: SIMD3<Double>, scale: Double = 1, imageWidth: Int, imageHeight: Int,
         verticalFieldOfViewDegrees: Double = 63, zOffset: Double = 0) {
        let points = canonicalVertices().map { scale * (rotation * $0) + translation }
        let focal = Double(imageHeight) / 2 / tan(verticalFieldOfViewDegrees / 2 * .pi / 180)
        let meanDepth = points.reduce(0) { $0 - $1.z } / Double(points.count)
        cameraPoints = points
        imageLandmarks = points.map { point in
            let depth = -point.z
            return Landmark(x: Float(Double(imageWidth) / 2 + focal * point.x / depth),
                            y: Float(Double(imageHeight) / 2 - focal * point.y / depth),
                            z: Float((depth - meanDepth) * focal / meanDepth + zOffset))
        }
    }

    /// Inter-ocular distance in pixels: between the eye centres (mean of landmarks 33, 133 and of 362, 263).
    var interOcularDistance: Double {
        func point(_ i: Int) -> SIMD2<Double> {
            SIMD2(Double(imageLandmarks[i].x), Double(imageLandmarks[i].y))
        }
        let offset = (point(33) + point(133)) / 2 - (point(362) + point(263)) / 2
        return (offset * offset).sum().squareRoot()
    }
}

/// A random pose in the test ranges: yaw, pitch ±40°, roll ±60°, distance 30–100 cm, lateral offsets up to 40% of
/// the half field of view at that distance.
struct RandomPose {
    let yaw: Double, pitch: Double, roll: Double
    let translation: SIMD3<Double>

    init(using generator: inout SeededGenerator, imageWidth: Int, imageHeight: Int) {
        yaw = generator.uniform(-40...40)
        pitch = generator.uniform(-40...40)
        roll = generator.uniform(-60...60)
        let distance = generator.uniform(30...100)
        let halfHeight = distance * tan(31.5 * .pi / 180)
        let halfWidth = halfHeight * Double(imageWidth) / Double(imageHeight)
        translation = SIMD3(generator.uniform(-0.4...0.4) * halfWidth, generator.uniform(-0.4...0.4) * halfHeight,
                            -distance)
    }

    var rotation: Matrix3x3 { referenceRotation(yaw: yaw, pitch: pitch, roll: roll) }
}

/// Median, 90th percentile and maximum of a sample (nearest-rank percentiles).
func summary(_ values: [Double]) -> (median: Double, p90: Double, max: Double) {
    let sorted = values.sorted()
    func rank(_ fraction: Double) -> Double {
        sorted[min(sorted.count - 1, Int((fraction * Double(sorted.count)).rounded(.up)) - 1)]
    }
    return (rank(0.5), rank(0.9), sorted.last ?? .nan)
}

/// Rotation part of a 16-value row-major similarity matrix (scale divided out), in `Double`.
func rotationOfRowMajorMatrix(_ m: [Float]) -> (rotation: Matrix3x3, scale: Double) {
    let linear = Matrix3x3(rows: SIMD3(Double(m[0]), Double(m[1]), Double(m[2])),
                           SIMD3(Double(m[4]), Double(m[5]), Double(m[6])),
                           SIMD3(Double(m[8]), Double(m[9]), Double(m[10])))
    let scale = Vector3.length(linear.column(0))
    return ((1 / scale) * linear, scale)
}
