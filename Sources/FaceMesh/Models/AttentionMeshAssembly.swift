/// Assembles the Attention Mesh's seven outputs into MediaPipe's 478-point layout, in model-input pixels.
///
/// Order as MediaPipe's refinement: the 468 mesh points (x, y, z); the 80 lip points overwrite x, y at
/// `LandmarkIndexSets.lips` (z stays the mesh's); the two 71-point eye regions overwrite x, y at their lists; the
/// irises are appended as points 468–472 (image-left) and 473–477 (image-right), each with z = the mean mesh z over
/// the first 16 entries (the eye contour) of its eye's list.
public enum AttentionMeshAssembly {
    /// Errors for outputs of the wrong length.
    public enum AssemblyError: Error, Equatable, CustomStringConvertible {
        case wrongLength(output: String, expected: Int, actual: Int)

        public var description: String {
            switch self {
            case let .wrongLength(output, expected, actual):
                return "attention output '\(output)' has \(actual) values, expects \(expected)"
            }
        }
    }

    /// - Parameters: `mesh` 468 × (x, y, z); `lips` 80 × (x, y); `imageLeftEye`, `imageRightEye` 71 × (x, y);
    ///   `imageLeftIris`, `imageRightIris` 5 × (x, y); all in model-input pixels (192-px units).
    /// - Returns: 478 landmarks in model-input pixels.
    public static func assemble(mesh: [Float], lips: [Float], imageLeftEye: [Float], imageRightEye: [Float],
                                imageLeftIris: [Float], imageRightIris: [Float]) throws -> [Landmark] {
        let checks: [(String, [Float], Int)] = [
            ("mesh", mesh, 3 * LandmarkIndexSets.meshCount), ("lips", lips, 2 * LandmarkIndexSets.lips.count),
            ("left eye", imageLeftEye, 2 * LandmarkIndexSets.imageLeftEye.count),
            ("right eye", imageRightEye, 2 * LandmarkIndexSets.imageRightEye.count),
            ("left iris", imageLeftIris, 2 * LandmarkIndexSets.irisPointCount),
            ("right iris", imageRightIris, 2 * LandmarkIndexSets.irisPointCount),
        ]
        for (name, values, expected) in checks where values.count != expected {
            throw AssemblyError.wrongLength(output: name, expected: expected, actual: values.count)
        }
        var points = (0..<LandmarkIndexSets.meshCount).map {
            Landmark(x: mesh[3 * $0], y: mesh[3 * $0 + 1], z: mesh[3 * $0 + 2])
        }
        func overwriteXY(_ indices: [Int], _ values: [Float]) {
            for (position, index) in indices.enumerated() {
                points[index].x = values[2 * position]
                points[index].y = values[2 * position + 1]
            }
        }
        overwriteXY(LandmarkIndexSets.lips, lips)
        overwriteXY(LandmarkIndexSets.imageLeftEye, imageLeftEye)
        overwriteXY(LandmarkIndexSets.imageRightEye, imageRightEye)
        func irisDepth(_ eye: [Int]) -> Float {
            let contour = eye.prefix(LandmarkIndexSets.eyeContourCount)
            return contour.reduce(0) { $0 + mesh[3 * $1 + 2] } / Float(contour.count)
        }
        for (iris, eye) in [(imageLeftIris, LandmarkIndexSets.imageLeftEye), (imageRightIris, LandmarkIndexSets.imageRightEye)] {
            let depth = irisDepth(eye)
            for point in 0..<LandmarkIndexSets.irisPointCount {
                points.append(Landmark(x: iris[2 * point], y: iris[2 * point + 1], z: depth))
            }
        }
        return points
    }
}
