import Foundation
import XCTest
@testable import FaceMesh

final class PerspectiveCameraTests: XCTestCase {
    private let camera = PerspectiveCamera.mediaPipeDefault

    /// docs/pipeline.md §11: at near = 1 the frustum is 2·tan(31.5°) = 1.22560 high and h·W/H wide.
    func testNearPlaneMatchesPublishedFrustum() throws {
        let size = try camera.nearPlaneSize(imageWidth: 640, imageHeight: 480)
        XCTAssertEqual(size.y, 1.22560, accuracy: 5e-6)
        XCTAssertEqual(size.x, 1.22560 * 640 / 480, accuracy: 1e-5)
        XCTAssertEqual(camera.verticalFieldOfViewDegrees, 63)
        XCTAssertEqual(camera.near, 1)
        XCTAssertEqual(camera.far, 10_000)
    }

    /// The optical axis hits the image centre, the frustum edges hit the image borders (origin top-left, y down).
    func testImagePointsOfKnownDirections() throws {
        let (width, height) = (480, 640)
        let depth = 73.0
        let halfHeight = depth * tan(31.5 * .pi / 180)
        let halfWidth = halfHeight * Double(width) / Double(height)
        let cases: [(SIMD3<Double>, SIMD2<Double>)] = [
            (SIMD3(0, 0, -depth), SIMD2(240, 320)),
            (SIMD3(0, halfHeight, -depth), SIMD2(240, 0)),
            (SIMD3(0, -halfHeight, -depth), SIMD2(240, 640)),
            (SIMD3(halfWidth, 0, -depth), SIMD2(480, 320)),
            (SIMD3(-halfWidth, halfHeight, -depth), SIMD2(0, 0)),
        ]
        for (point, expected) in cases {
            let image = try camera.imagePoint(ofCameraPoint: point, imageWidth: width, imageHeight: height)
            XCTAssertEqual(image.x, expected.x, accuracy: 1e-9)
            XCTAssertEqual(image.y, expected.y, accuracy: 1e-9)
        }
        XCTAssertEqual(camera.focalLengthInPixels(imageHeight: 640), 320 / tan(31.5 * .pi / 180), accuracy: 1e-9)
    }

    /// The projection matrix agrees with `imagePoint` and maps near/far depths to NDC −1/+1.
    func testProjectionMatrixAgreesWithImagePoint() throws {
        let (width, height) = (640, 480)
        let m = try camera.projectionMatrixRowMajor(imageWidth: width, imageHeight: height).map(Double.init)
        func clip(_ p: SIMD3<Double>) -> SIMD4<Double> {
            let h = SIMD4(p.x, p.y, p.z, 1)
            return SIMD4((0..<4).map { r in (0..<4).reduce(0) { $0 + m[4 * r + $1] * h[$1] } })
        }
        var generator = SeededGenerator(seed: 41)
        for _ in 0..<100 {
            let point = SIMD3(generator.uniform(-30...30), generator.uniform(-30...30), generator.uniform(-200 ... -5))
            let c = clip(point)
            let expected = try camera.imagePoint(ofCameraPoint: point, imageWidth: width, imageHeight: height)
            XCTAssertEqual((c.x / c.w + 1) / 2 * Double(width), expected.x, accuracy: 1e-3)
            XCTAssertEqual((1 - c.y / c.w) / 2 * Double(height), expected.y, accuracy: 1e-3)
        }
        let nearClip = clip(SIMD3(0, 0, -1)), farClip = clip(SIMD3(0, 0, -10_000))
        XCTAssertEqual(nearClip.z / nearClip.w, -1, accuracy: 1e-5)
        XCTAssertEqual(farClip.z / farClip.w, 1, accuracy: 1e-5)
    }

    func testInvalidParametersThrow() {
        for (fov, near, far) in [(0.0, 1.0, 10.0), (180, 1, 10), (63, 0, 10), (63, 5, 5), (.nan, 1, 10),
                                 (63, 1, .infinity)] {
            XCTAssertThrowsError(try PerspectiveCamera(verticalFieldOfViewDegrees: fov, near: near, far: far)) {
                guard case .invalidCamera = $0 as? FaceMeshError else { return XCTFail("\($0)") }
            }
        }
        XCTAssertThrowsError(try camera.nearPlaneSize(imageWidth: 640, imageHeight: 0))
        XCTAssertThrowsError(try camera.imagePoint(ofCameraPoint: SIMD3(0, 0, 1), imageWidth: 640, imageHeight: 480)) {
            XCTAssertEqual($0 as? FaceMeshError, .pointBehindCamera(z: 1))
        }
    }
}
