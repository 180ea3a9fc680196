import Foundation
@testable import FaceMesh

/// The synthetic video's known motion (`Tools/make_synthetic_video.py`, `Tests/Fixtures/Video/README.md`): where a
/// landmark network that followed the image exactly would put the face in each frame.
///
/// The reference is MediaPipe 0.10.14's own static landmarks of the source photo
/// (`Tests/Fixtures/MediaPipe/landmarks/mpl_grace_hopper_mesh.json`), never our engine's, moved by each frame's
/// affine.
///
/// Half-pixel convention: the video was warped by OpenCV's `warpAffine`, whose matrix A·u + t maps pixel *indices*
/// (pixel centres at integers). If landmarks were continuous coordinates (pixel centre at i + ½) the motion would be
/// A·p + t + (I − A)·(½, ½), which differs by up to 0.38 px (mean 0.26 px) on this video (scale 0.72–1.08,
/// rotation ±30°), i.e. up to 0.5% IOD. But MediaPipe's pipeline, and ours which reproduces its crops byte for
/// byte, uses the index convention throughout: the crop maps the ROI's corners (x_center·W ± w·W/2) to the
/// tensor's corners with `warpPerspective`, which applies the matrix to indices, and the landmarks are projected
/// back through the same matrix, so a landmark's pixel coordinate is an index coordinate and A·p + t is exact (any
/// constant offset of the network, in crop units, turns and scales with A). The data agree: fresh detections on
/// every frame are closer to the index-convention motion than to the corrected one
/// (`SyntheticVideoTests.testTrackingKeepsTheFaceFollowsMediaPipeAndTheKnownMotion` asserts it and prints both).
enum KnownMotion {
    /// MediaPipe's 468 static landmarks of the source photo, image pixels (z scaled like x).
    static func sourceLandmarks() throws -> [Landmark] {
        let reference = try MediaPipeLandmarkFixture.load("mpl_grace_hopper_mesh")
        precondition(reference.faces.count == 1, "the source photo has one face")
        return reference.landmarks(0)
    }

    /// `points` (source-photo landmark coordinates) moved by `affine`, a 2×3 matrix in OpenCV's pixel-index
    /// convention (`synthetic_portrait.json`'s `affine`). z is scaled by the affine's scale like x and y.
    /// `halfPixelCorrection: true` treats landmarks as continuous coordinates (adds (I − A)·(½, ½)); it is the
    /// wrong convention for this pipeline and is kept to show that the data reject it.
    static func move(_ points: [Landmark], affine: [[Double]], halfPixelCorrection: Bool = false) -> [Landmark] {
        let a = affine[0][0], b = affine[0][1], c = affine[1][0], d = affine[1][1]
        var tx = affine[0][2], ty = affine[1][2]
        if halfPixelCorrection {
            tx += 0.5 * (1 - a - b)
            ty += 0.5 * (1 - c - d)
        }
        let scale = (a * d - b * c).magnitude.squareRoot()
        return points.map { point in
            let x = Double(point.x), y = Double(point.y)
            return Landmark(x: Float(a * x + b * y + tx), y: Float(c * x + d * y + ty), z: Float(scale * Double(point.z)))
        }
    }
}

