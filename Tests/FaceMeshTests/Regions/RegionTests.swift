import Foundation
import XCTest
@testable import FaceMesh

/// ROI construction, landmark projection and association, against hand-computed geometry.
final class RegionTests: XCTestCase {
    func testNormalizeRadians() {
        XCTAssertEqual(normalizeRadians(0), 0)
        // Float.pi rounds down, so it is inside [−π, π); the next Float is above π and wraps.
        XCTAssertEqual(normalizeRadians(Float.pi), Float.pi)
        XCTAssertEqual(normalizeRadians(Float.pi.nextUp), Float.pi.nextUp - 2 * Float.pi, accuracy: 1e-6)
        XCTAssertEqual(normalizeRadians(-Float.pi), -Float.pi, accuracy: 1e-6)
        XCTAssertEqual(normalizeRadians(3 * Float.pi / 2), -Float.pi / 2, accuracy: 1e-6)
        XCTAssertEqual(normalizeRadians(7), 7 - 2 * Float.pi, accuracy: 1e-6)
        XCTAssertEqual(normalizeRadians(-4), -4 + 2 * Float.pi, accuracy: 1e-6)
    }

    /// Image 200×100. Box (0.2, 0.3) size (0.3, 0.4) = 60×40 px → square side 60 px ×1.5 = 90 px → normalized
    /// (0.45, 0.9). Eyes (60, 40) → (80, 50) px: the vector points down-right, rotation atan(10/20) > 0.
    func testRegionFromDetection() throws {
        let detection = FaceDetection(
            box: AxisAlignedBox(xMin: 0.2, yMin: 0.3, width: 0.3, height: 0.4),
            keypoints: [SIMD2(0.3, 0.4), SIMD2(0.4, 0.5), .zero, .zero, .zero, .zero], score: 0.9)
        let region = try RegionOfInterestBuilder.faceRegion(from: detection, imageWidth: 200, imageHeight: 100)
        XCTAssertEqual(region.xCenter, 0.35, accuracy: 1e-6)
        XCTAssertEqual(region.yCenter, 0.5, accuracy: 1e-6)
        XCTAssertEqual(region.width, 0.45, accuracy: 1e-6)
        XCTAssertEqual(region.height, 0.9, accuracy: 1e-6)
        XCTAssertEqual(region.rotation, atan(0.5), accuracy: 1e-6)
        let pixels = region.pixelRect(imageWidth: 200, imageHeight: 100)
        XCTAssertEqual(pixels.width, pixels.height, accuracy: 1e-4)
        // Eyes rising to the right → negative (counter-clockwise) rotation.
        let tilted = FaceDetection(box: detection.box, keypoints: [SIMD2(0.3, 0.5), SIMD2(0.4, 0.3)] + detection.keypoints[2...],
                                   score: 0.9)
        let tiltedRegion = try RegionOfInterestBuilder.faceRegion(from: tilted, imageWidth: 200, imageHeight: 100)
        XCTAssertEqual(tiltedRegion.rotation, -Float.pi / 4, accuracy: 1e-6)
        // Eyes swapped (face upside down) → rotation ±π, normalized to −π.
        let flipped = FaceDetection(box: detection.box, keypoints: [SIMD2(0.4, 0.4), SIMD2(0.3, 0.4)] + detection.keypoints[2...],
                                    score: 0.9)
        XCTAssertEqual(try RegionOfInterestBuilder.faceRegion(from: flipped, imageWidth: 200, imageHeight: 100).rotation,
                       -Float.pi, accuracy: 1e-6)
    }

    /// Bounding box of all landmarks (x 0.3…0.6, y 0.2…0.7 on 200×100 → 60×50 px → side 60 px, ×1.5 = 90 px),
    /// rotation from 33 (60, 40) to 263 (100, 40) = 0.
    func testRegionFromLandmarks() throws {
        var landmarks = [Landmark](repeating: Landmark(x: 0.45, y: 0.45, z: 0), count: 468)
        landmarks[10] = Landmark(x: 0.3, y: 0.2, z: 0)
        landmarks[152] = Landmark(x: 0.6, y: 0.7, z: 0)
        landmarks[33] = Landmark(x: 0.3, y: 0.4, z: 0)
        landmarks[263] = Landmark(x: 0.5, y: 0.4, z: 0)
        let region = try RegionOfInterestBuilder.faceRegion(fromLandmarks: landmarks, imageWidth: 200, imageHeight: 100)
        XCTAssertEqual(region.xCenter, 0.45, accuracy: 1e-6)
        XCTAssertEqual(region.yCenter, 0.45, accuracy: 1e-6)
        XCTAssertEqual(region.width, 0.45, accuracy: 1e-6)
        XCTAssertEqual(region.height, 0.9, accuracy: 1e-6)
        XCTAssertEqual(region.rotation, 0)
        let fromPixels = try RegionOfInterestBuilder.faceRegion(
            fromPixelLandmarks: LandmarkCoordinates.toPixels(landmarks, imageWidth: 200, imageHeight: 100),
            imageWidth: 200, imageHeight: 100)
        XCTAssertEqual(fromPixels.xCenter, region.xCenter, accuracy: 1e-6)
        XCTAssertEqual(fromPixels.width, region.width, accuracy: 1e-6)
        XCTAssertEqual(fromPixels.height, region.height, accuracy: 1e-6)
        // A 30° roll of the eye line: 263 at (60 + 40cos30°, 40 + 40sin30°) px.
        landmarks[263] = Landmark(x: (60 + 40 * cos(Float.pi / 6)) / 200, y: (40 + 40 * sin(Float.pi / 6)) / 100)
        XCTAssertEqual(try RegionOfInterestBuilder.faceRegion(fromLandmarks: landmarks, imageWidth: 200,
                                                              imageHeight: 100).rotation, Float.pi / 6, accuracy: 1e-5)
        XCTAssertThrowsError(try RegionOfInterestBuilder.faceRegion(fromLandmarks: Array(landmarks[..<200]),
                                                                    imageWidth: 200, imageHeight: 100)) {
            XCTAssertEqual($0 as? FaceMeshError, .missingLandmark(index: 263, count: 200))
        }
        XCTAssertThrowsError(try RegionOfInterestBuilder.faceRegion(fromLandmarks: landmarks, imageWidth: 0,
                                                                    imageHeight: 100))
    }

    /// MediaPipe's running maximum starts at the smallest positive float, not −∞.
    func testBoundingBoxQuirk() {
        let box = RegionOfInterestBuilder.boundingBox(of: [Landmark(x: -0.3, y: 0.2), Landmark(x: -0.1, y: 0.4)])
        XCTAssertEqual(box.xMin, -0.3)
        XCTAssertEqual(box.xMax, Float.leastNormalMagnitude - 0.3 + 0.3, accuracy: 1e-7)
        XCTAssertEqual(box.yMax, 0.4, accuracy: 1e-7)
    }

    /// Eye ROIs: 33 (60, 40) → 133 (80, 42) px: box 20×2 px, side 20 px × 2.3 = 46 px; rotation atan(2/20).
    func testEyeRegions() throws {
        var landmarks = [Landmark](repeating: Landmark(x: 0.5, y: 0.5, z: 0), count: 468)
        landmarks[33] = Landmark(x: 0.3, y: 0.4)
        landmarks[133] = Landmark(x: 0.4, y: 0.42)
        landmarks[362] = Landmark(x: 0.5, y: 0.42)
        landmarks[263] = Landmark(x: 0.6, y: 0.36)
        let eyes = try RegionOfInterestBuilder.eyeRegions(fromLandmarks: landmarks, imageWidth: 200, imageHeight: 100)
        XCTAssertEqual(eyes.imageLeft.xCenter, 0.35, accuracy: 1e-6)
        XCTAssertEqual(eyes.imageLeft.yCenter, 0.41, accuracy: 1e-6)
        XCTAssertEqual(eyes.imageLeft.width, 46.0 / 200, accuracy: 1e-6)
        XCTAssertEqual(eyes.imageLeft.height, 46.0 / 100, accuracy: 1e-6)
        XCTAssertEqual(eyes.imageLeft.rotation, atan(0.1), accuracy: 1e-6)
        // 362 (100, 42) → 263 (120, 36): up-right.
        XCTAssertEqual(eyes.imageRight.rotation, -atan(6.0 / 20.0), accuracy: 1e-6)
        XCTAssertEqual(eyes.imageRight.width, 46.0 / 200, accuracy: 1e-6)
        XCTAssertThrowsError(try RegionOfInterestBuilder.eyeRegions(fromLandmarks: [], imageWidth: 10, imageHeight: 10))
    }

    /// Region centre (0.5, 0.4), 60 px square on 200×100, rotation π/2: crop point (192, 96, 19.2) → local
    /// (½, 0) → rotated (0, ½) → image (0.5, 0.7); z = 19.2/192 · 0.3 (= 6 px).
    func testProjectionHandComputed() throws {
        let region = NormalizedRect(xCenter: 0.5, yCenter: 0.4, width: 0.3, height: 0.6, rotation: .pi / 2)
        let projected = LandmarkProjection.cropToImage([Landmark(x: 192, y: 96, z: 19.2)], inputSize: 192,
                                                       region: region)
        XCTAssertEqual(projected[0].x, 0.5, accuracy: 1e-6)
        XCTAssertEqual(projected[0].y, 0.7, accuracy: 1e-6)
        XCTAssertEqual(projected[0].z, 0.03, accuracy: 1e-7)
        let pixels = LandmarkCoordinates.toPixels(projected, imageWidth: 200, imageHeight: 100)
        XCTAssertEqual(pixels[0].x, 100, accuracy: 1e-4)
        XCTAssertEqual(pixels[0].y, 70, accuracy: 1e-4)
        XCTAssertEqual(pixels[0].z, 6, accuracy: 1e-4)
        let back = LandmarkCoordinates.toNormalized(pixels, imageWidth: 200, imageHeight: 100)
        XCTAssertEqual(back[0].x, projected[0].x, accuracy: 1e-7)
        XCTAssertEqual(back[0].z, projected[0].z, accuracy: 1e-7)
    }

    /// A landmark at crop pixel (u, v) lands where the crop sampler reads output pixel (u, v):
    /// C + Rot(r)·((u/192 − ½)·S, (v/192 − ½)·S) in pixels.
    func testProjectionAgreesWithCropGeometry() {
        let width = 640, height = 480
        for rotation: Float in [0, 0.3, -1.2, 2.9] {
            let region = NormalizedRect(xCenter: 0.41, yCenter: 0.57, width: 0.35, height: 0.35 * 640 / 480,
                                        rotation: rotation)
            let rect = region.pixelRect(imageWidth: width, imageHeight: height)
            for (u, v) in [(0, 0), (192, 0), (37.5, 150.25), (96, 96), (191, 3)] as [(Float, Float)] {
                let expected = rect.imagePoint(localX: (u / 192 - 0.5) * rect.width,
                                               localY: (v / 192 - 0.5) * rect.height)
                let normalized = LandmarkProjection.cropToImage([Landmark(x: u, y: v)], inputSize: 192, region: region)
                let p = LandmarkCoordinates.toPixels(normalized, imageWidth: width, imageHeight: height)[0]
                XCTAssertEqual(p.x, expected.x, accuracy: 2e-3)
                XCTAssertEqual(p.y, expected.y, accuracy: 2e-3)
            }
        }
    }

    func testProjectionRoundTrip() throws {
        let region = NormalizedRect(xCenter: 0.52, yCenter: 0.47, width: 0.4, height: 0.3, rotation: -0.7)  // 160 px
        var crop: [Landmark] = []
        for i in 0..<50 {
            crop.append(Landmark(x: Float(i * 7 % 192), y: Float(i * 13 % 192) + 0.5, z: Float(i) - 25))
        }
        let image = LandmarkProjection.cropToImage(crop, inputSize: 192, region: region)
        let back = LandmarkProjection.imageToCrop(image, inputSize: 192, region: region, imageWidth: 400,
                                                  imageHeight: 533)
        // 0.3 · 533 = 159.9 px ≈ 160 px: nearly square, so the round trip holds to ~0.1 crop px.
        for (a, b) in zip(crop, back) {
            XCTAssertEqual(a.x, b.x, accuracy: 0.15)
            XCTAssertEqual(a.y, b.y, accuracy: 0.15)
            XCTAssertEqual(a.z, b.z, accuracy: 1e-3)
        }
        let exactRegion = NormalizedRect(xCenter: 0.52, yCenter: 0.47, width: 0.4, height: 0.4, rotation: 2.2)
        let exactBack = LandmarkProjection.imageToCrop(
            LandmarkProjection.cropToImage(crop, inputSize: 192, region: exactRegion), inputSize: 192,
            region: exactRegion, imageWidth: 300, imageHeight: 300)
        for (a, b) in zip(crop, exactBack) {
            XCTAssertEqual(a.x, b.x, accuracy: 1e-3)
            XCTAssertEqual(a.y, b.y, accuracy: 1e-3)
        }
    }

    func testRawProjectionMatchesArrayProjection() throws {
        let region = NormalizedRect(xCenter: 0.5, yCenter: 0.5, width: 0.5, height: 0.5, rotation: 0.4)
        let raw: [Float] = [10, 20, 3, 100, 150, -4, 191, 0, 0]
        let fromRaw = try raw.withUnsafeBufferPointer {
            try LandmarkProjection.cropToImage(raw: $0, landmarkCount: 3, inputSize: 192, region: region)
        }
        let fromArray = LandmarkProjection.cropToImage(
            [Landmark(x: 10, y: 20, z: 3), Landmark(x: 100, y: 150, z: -4), Landmark(x: 191, y: 0, z: 0)],
            inputSize: 192, region: region)
        XCTAssertEqual(fromRaw, fromArray)
        XCTAssertThrowsError(try raw.withUnsafeBufferPointer {
            try LandmarkProjection.cropToImage(raw: $0, landmarkCount: 4, inputSize: 192, region: region)
        }) { XCTAssertEqual($0 as? FaceMeshError, .invalidRawLayout(valueCount: 9, landmarkCount: 4, stride: 3)) }
    }
}
