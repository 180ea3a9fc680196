import FaceMesh
import Foundation
import ImageCodecs

/// Draws face mesh results onto an image: the mesh's triangle edges as thin lines, the face, lip and eye outlines,
/// the irises (circles around landmarks 468 and 473 with the mean distance to their four boundary points as
/// radius) and the head-pose axes (the canonical model's origin and points 5 cm along its x, y and z axes mapped
/// by the pose matrix and projected by MediaPipe's default camera; x red, y green, z blue); with blendshapes, a bar
/// chart of the strongest ones beside each face.
///
/// Line widths grow with the face: the reference unit is 1 pixel for a face 250 pixels wide (inter-eye-corner
/// distance about 100 pixels).
struct OverlayRenderer {
    private let meshEdges: [SIMD2<UInt16>] = CanonicalFaceModel.mediaPipe.edges
    private let camera = PerspectiveCamera.mediaPipeDefault
    /// Length of each drawn pose axis, in cm.
    static let axisLength: Double = 5

    static let meshColor = RGBColor(red: 190, green: 190, blue: 190)
    static let ovalColor = RGBColor(red: 240, green: 240, blue: 240)
    static let lipColor = RGBColor(red: 255, green: 60, blue: 90)
    static let eyeColor = RGBColor(red: 40, green: 230, blue: 120)
    static let irisColor = RGBColor(red: 255, green: 210, blue: 0)
    static let axisColors: [RGBColor] = [.red, RGBColor(red: 0, green: 220, blue: 0), RGBColor(red: 30, green: 90, blue: 255)]

    /// `image` with every face of `faces` drawn on it (landmarks in the image's pixel coordinates), and beside each
    /// face with blendshapes the chart of its strongest ones (`BlendshapeChart`).
    func render(_ faces: [FaceMeshResult], on image: RGBImage) -> RGBImage {
        var canvas = ImageCanvas(image: image)
        for face in faces { draw(face, on: &canvas) }
        var result = canvas.image
        for face in faces { BlendshapeChart.draw(face, on: &result) }
        return result
    }

    private func draw(_ face: FaceMeshResult, on canvas: inout ImageCanvas) {
        let points = face.landmarks.map { OverlayRenderer.canvasPoint($0) }
        guard points.count >= LandmarkIndexSets.meshCount else { return }
        let unit = OverlayRenderer.lineUnit(points)
        for edge in meshEdges {
            canvas.drawLine(from: points[Int(edge.x)], to: points[Int(edge.y)], color: OverlayRenderer.meshColor,
                            width: 0.5 * unit)
        }
        drawRing(FaceContours.faceOval, points, color: OverlayRenderer.ovalColor, width: 1.2 * unit, on: &canvas)
        for ring in FaceContours.lips { drawRing(ring, points, color: OverlayRenderer.lipColor, width: 1.2 * unit, on: &canvas) }
        for ring in FaceContours.eyes { drawRing(ring, points, color: OverlayRenderer.eyeColor, width: 1.2 * unit, on: &canvas) }
        if points.count >= LandmarkIndexSets.refinedCount {
            for start in [LandmarkIndexSets.imageLeftIrisStart, LandmarkIndexSets.imageRightIrisStart] {
                drawIris(points[start..<start + LandmarkIndexSets.irisPointCount], unit: unit, on: &canvas)
            }
        }
        if let pose = face.headPose {
            drawAxes(pose, unit: unit, on: &canvas)
        }
    }

    /// A landmark's position on the canvas. Landmark pixel coordinates put pixel k's centre at k (the crop
    /// sampler's OpenCV convention); the canvas puts it at k + 0.5.
    static func canvasPoint(_ landmark: Landmark) -> SIMD2<Float> {
        SIMD2(landmark.x + 0.5, landmark.y + 0.5)
    }

    /// Line-width unit: the outer-eye-corner distance (landmarks 33–263) over 100 pixels, at least 0.8.
    static func lineUnit(_ points: [SIMD2<Float>]) -> Float {
        let eyeSpan = points[LandmarkIndexSets.rotationStart] - points[LandmarkIndexSets.rotationEnd]
        let distance = (eyeSpan * eyeSpan).sum().squareRoot()
        return distance.isFinite ? max(0.8, distance / 100) : 1
    }

    private func drawRing(_ ring: [Int], _ points: [SIMD2<Float>], color: RGBColor, width: Float,
                          on canvas: inout ImageCanvas) {
        for (index, landmark) in ring.enumerated() {
            canvas.drawLine(from: points[landmark], to: points[ring[(index + 1) % ring.count]], color: color, width: width)
        }
    }

    private func drawIris(_ iris: ArraySlice<SIMD2<Float>>, unit: Float, on canvas: inout ImageCanvas) {
        let center = iris[iris.startIndex]
        let boundary = iris.dropFirst()
        let radius = boundary.map { point -> Float in
            let offset = point - center
            return (offset * offset).sum().squareRoot()
        }.reduce(0, +) / Float(boundary.count)
        guard radius.isFinite, radius > 0 else { return }
        let segments = 48
        for step in 0..<segments {
            let start = 2 * Float.pi * Float(step) / Float(segments)
            let end = 2 * Float.pi * Float(step + 1) / Float(segments)
            canvas.drawLine(from: center + radius * SIMD2(cos(start), sin(start)),
                            to: center + radius * SIMD2(cos(end), sin(end)), color: OverlayRenderer.irisColor,
                            width: 1.2 * unit)
        }
        canvas.fillCircle(center: center, radius: 1.2 * unit, color: OverlayRenderer.irisColor)
    }

    private func drawAxes(_ pose: HeadPose, unit: Float, on canvas: inout ImageCanvas) {
        guard pose.matrix.count == 16 else { return }
        let width = canvas.image.width, height = canvas.image.height
        let m = pose.matrix.map(Double.init)
        func project(_ point: SIMD3<Double>) -> SIMD2<Float>? {
            let camera = SIMD3(m[0] * point.x + m[1] * point.y + m[2] * point.z + m[3],
                               m[4] * point.x + m[5] * point.y + m[6] * point.z + m[7],
                               m[8] * point.x + m[9] * point.y + m[10] * point.z + m[11])
            guard let pixel = try? self.camera.imagePoint(ofCameraPoint: camera, imageWidth: width, imageHeight: height)
            else { return nil }
            // Same pixel convention as the landmarks (the projection is normalized × size, like them).
            return SIMD2(Float(pixel.x), Float(pixel.y)) + 0.5
        }
        guard let origin = project(.zero) else { return }
        let axes: [SIMD3<Double>] = [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)]
        for (axis, color) in zip(axes, OverlayRenderer.axisColors) {
            guard let end = project(OverlayRenderer.axisLength * axis) else { continue }
            canvas.drawLine(from: origin, to: end, color: color, width: 2.5 * unit)
        }
    }
}

/// Closed outlines through mesh landmarks, for drawing: each is a ring of landmark indices, the last joined to the
/// first.
enum FaceContours {
    /// The face outline, clockwise on screen from the forehead centre (landmark 10), as in MediaPipe's
    /// FACEMESH_FACE_OVAL connections.
    static let faceOval: [Int] = [
        10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
        152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
    ]

    /// The outer and inner lip outlines, built from `LandmarkIndexSets.lips` (lower outer 11, upper outer 9,
    /// lower inner 11, upper inner 9 points, the upper runs going the same way as the lower ones).
    static var lips: [[Int]] {
        let sets = LandmarkIndexSets.lips
        return [ring(lower: Array(sets[0..<11]), upper: Array(sets[11..<20])),
                ring(lower: Array(sets[20..<31]), upper: Array(sets[31..<40]))]
    }

    /// The two eye outlines, from the first 16 entries of each eye list (lower lid 9 points corner to corner,
    /// then upper lid 7 points in the same direction).
    static var eyes: [[Int]] {
        [LandmarkIndexSets.imageLeftEye, LandmarkIndexSets.imageRightEye].map { eye in
            ring(lower: Array(eye[0..<9]), upper: Array(eye[9..<LandmarkIndexSets.eyeContourCount]))
        }
    }

    /// Lower run from corner to corner, then back along the upper run (which excludes the corners).
    private static func ring(lower: [Int], upper: [Int]) -> [Int] {
        lower + upper.reversed()
    }
}
