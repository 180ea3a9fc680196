import Foundation
import XCTest
@testable import FaceMesh

/// Figures the README states about our own pipeline (no reference runtime gives them): how far the landmark network
/// moves when its ROI turns or grows (why tracked landmarks differ from a fresh detection by a few % IOD), and the
/// angles printed under the pose picture (`docs/pose.png`).
final class ReadmeFigureTests: XCTestCase {
    /// The photos with faces that MediaPipe also finds (`MediaPipeLandmarkTests`).
    private let photos = [
        "Tests/Fixtures/Images/mpl_grace_hopper.jpg", "Tests/Fixtures/Images/skimage_astronaut.png",
        "Tests/Fixtures/Images/extra/grace_hopper_rolled28.png", "Tests/Fixtures/Images/extra/faces_montage3.png",
    ]

    /// Turning the detection ROI by ±2° or growing it by 3% moves the mesh model's landmarks by about 1% IOD on
    /// average (README, Accuracy). Measured over the 6 faces of 4 photos, mean 2-D distance in % IOD of the
    /// landmarks from the detection ROI: turned ±2°: mean 1.15, worst 2.91; grown 3%: mean 1.00, worst 1.25.
    func testLandmarksMoveByAboutOnePercentWhenTheRegionTurnsOrGrows() throws {
        let engine = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: true, maxFaces: 5, model: .mesh,
                                                                 weightsDirectory: TestFiles.weights))
        let model = try MeshLandmarkModel(weightsDirectory: TestFiles.weights)
        var turned: [Float] = [], grown: [Float] = []
        for photo in photos {
            let frame = try TestFiles.frame(photo)
            for face in try engine.process(frame) {
                /// Landmarks (pixels) of the mesh model run on `region`.
                func landmarks(_ region: NormalizedRect) throws -> [Landmark] {
                    let prediction = try XCTUnwrap(model.predict(in: frame, region: region, presenceThreshold: 0.5))
                    return LandmarkCoordinates.toPixels(prediction.landmarks, imageWidth: frame.width,
                                                        imageHeight: frame.height)
                }
                let reference = try landmarks(face.region)
                XCTAssertLessThan(FaceMetrics.meanDistance(reference, face.landmarks), 1e-3, "the engine's own ROI")
                let iod = FaceMetrics.interOcularDistance(reference)
                for degrees: Float in [-2, 2] {
                    var region = face.region
                    region.rotation += degrees * .pi / 180
                    turned.append(100 * FaceMetrics.meanDistance(try landmarks(region), reference) / iod)
                }
                var region = face.region
                region.width *= 1.03
                region.height *= 1.03
                grown.append(100 * FaceMetrics.meanDistance(try landmarks(region), reference) / iod)
            }
        }
        XCTAssertEqual(grown.count, 6, "faces compared")
        func mean(_ values: [Float]) -> Float { values.reduce(0, +) / Float(max(values.count, 1)) }
        print(String(format: "ROI sensitivity (%% IOD, mean / worst over %d faces): turned ±2° %.2f / %.2f, "
                     + "grown 3%% %.2f / %.2f", grown.count, mean(turned), turned.max() ?? 0, mean(grown),
                     grown.max() ?? 0))
        // Bands from half to twice the measured means (the README says "about 1%"): the figure must neither vanish
        // nor grow; worst cases within about 2× their measured values.
        XCTAssertTrue((0.55...2.3).contains(mean(turned)), "turned: \(mean(turned))")  // measured 1.15
        XCTAssertTrue((0.5...2.0).contains(mean(grown)), "grown: \(mean(grown))")  // measured 1.00
        XCTAssertLessThanOrEqual(turned.max()!, 6)  // measured 2.91
        XCTAssertLessThanOrEqual(grown.max()!, 2.5)  // measured 1.25
    }

    /// The caption of `docs/pose.png` (README, Head pose): `facemesh image` (Attention Mesh, the default) on
    /// `grace_hopper_rolled28.png` gives roll 30.6°, yaw 4.2°, pitch 6.5° (to the caption's 0.1°).
    func testPosePictureAnglesAreWhatTheCodeComputes() throws {
        let engine = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: true, model: .attention,
                                                                 weightsDirectory: TestFiles.weights))
        let frame = try TestFiles.frame("Tests/Fixtures/Images/extra/grace_hopper_rolled28.png")
        let pose = try XCTUnwrap(try engine.process(frame).first?.headPose)
        let angles = pose.yawPitchRoll
        print(String(format: "pose picture: yaw %.3f°, pitch %.3f°, roll %.3f°", angles.yaw, angles.pitch, angles.roll))
        XCTAssertEqual(angles.roll, 30.6, accuracy: 0.05)
        XCTAssertEqual(angles.yaw, 4.2, accuracy: 0.05)
        XCTAssertEqual(angles.pitch, 6.5, accuracy: 0.05)
    }
}
