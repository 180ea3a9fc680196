/// Mesh indices of the regions the Attention Mesh heads and the Iris model refine, in the order the heads predict
/// their points (MediaPipe: tensors_to_face_landmarks_with_attention.pbtxt; `docs/models.md` §6 of the design notes).
///
/// "Image-left" is the eye on the left of the image: the subject's right eye (landmarks 33…133).
public enum LandmarkIndexSets {
    /// The 80 lip points predicted by the lips head: lower outer, upper outer, lower inner, upper inner, then the
    /// semi-outer and semi-inner rings.
    public static let lips: [Int] = [
        61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291,
        185, 40, 39, 37, 0, 267, 269, 270, 409,
        78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308,
        191, 80, 81, 82, 13, 312, 311, 310, 415,
        76, 77, 90, 180, 85, 16, 315, 404, 320, 307, 306,
        184, 74, 73, 72, 11, 302, 303, 304, 408,
        62, 96, 89, 179, 86, 15, 316, 403, 319, 325, 292,
        183, 42, 41, 38, 12, 268, 271, 272, 407,
    ]

    /// The 71 points of the image-left eye region (eye contour lower 9 and upper 7 first, then halos and brow).
    public static let imageLeftEye: [Int] = [
        33, 7, 163, 144, 145, 153, 154, 155, 133,
        246, 161, 160, 159, 158, 157, 173,
        130, 25, 110, 24, 23, 22, 26, 112, 243,
        247, 30, 29, 27, 28, 56, 190,
        226, 31, 228, 229, 230, 231, 232, 233, 244,
        113, 225, 224, 223, 222, 221, 189,
        35, 124, 46, 53, 52, 65,
        143, 111, 117, 118, 119, 120, 121, 128, 245,
        156, 70, 63, 105, 66, 107, 55, 193,
    ]

    /// The 71 points of the image-right eye region, in the same order as `imageLeftEye`.
    public static let imageRightEye: [Int] = [
        263, 249, 390, 373, 374, 380, 381, 382, 362,
        466, 388, 387, 386, 385, 384, 398,
        359, 255, 339, 254, 253, 252, 256, 341, 463,
        467, 260, 259, 257, 258, 286, 414,
        446, 261, 448, 449, 450, 451, 452, 453, 464,
        342, 445, 444, 443, 442, 441, 413,
        265, 353, 276, 283, 282, 295,
        372, 340, 346, 347, 348, 349, 350, 357, 465,
        383, 300, 293, 334, 296, 336, 285, 417,
    ]

    /// How many leading entries of each eye list form the eye contour (lower 9 + upper 7); the iris depth is the
    /// mean mesh depth over them.
    public static let eyeContourCount = 16

    /// Number of mesh points.
    public static let meshCount = 468
    /// Index of the image-left iris centre in the 478-point layout (then four boundary points).
    public static let imageLeftIrisStart = 468
    /// Index of the image-right iris centre in the 478-point layout (then four boundary points).
    public static let imageRightIrisStart = 473
    /// Points per iris: centre, then four boundary points.
    public static let irisPointCount = 5
    /// Number of points with irises.
    public static let refinedCount = 478

    /// Outer eye corner where the tracking ROI's rotation vector starts (image-left eye, landmark 33).
    public static let rotationStart = 33
    /// Outer eye corner where the tracking ROI's rotation vector ends (image-right eye, landmark 263).
    public static let rotationEnd = 263
}

/// Assembles the Attention Mesh's seven outputs into MediaPipe's 478-point layout, in model-input pixels.
///
/// Order as MediaPipe's refinement: the 468 mesh points (x, y, z); the 80 lip points overwrite x, y at
/// `LandmarkIndexSets.lips` (z stays the mesh's); the two 71-point eye regions overwrite x, y at their lists; the
/// irises are appended as points 468–472 (image-left) and 473–477 (image-right), each with z = the mean mesh z over
/// the first 16 entries (the eye contour) of its eye's list.
public enum AttentionMeshAssembly {
    /// Builds the 478 landmarks from the seven raw outputs (all in model-input pixels, 192-px units).
    /// - Parameters:
    ///   - mesh: 468 × (x, y, z).
    ///   - lips: 80 × (x, y).
    ///   - imageLeftEye: 71 × (x, y).
    ///   - imageRightEye: 71 × (x, y).
    ///   - imageLeftIris: 5 × (x, y).
    ///   - imageRightIris: 5 × (x, y).
    /// - Returns: 478 landmarks in model-input pixels.
    /// - Throws: ``FaceMeshError/wrongOutputSize(output:expected:actual:)`` when a buffer has the wrong length.
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
            throw FaceMeshError.wrongOutputSize(output: name, expected: expected, actual: values.count)
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
