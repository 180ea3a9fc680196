import FaceMesh

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
