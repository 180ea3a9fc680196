import Foundation
import XCTest
@testable import FaceMesh

/// Anchors, decoding and weighted NMS on synthetic tensors with hand-computed expectations.
final class DetectionTests: XCTestCase {
    func testShortRangeAnchors() throws {
        let anchors = try SSDAnchors.generate(.faceDetectionShortRange)
        XCTAssertEqual(anchors.count, 896)
        XCTAssertTrue(anchors.allSatisfy { $0.width == 1 && $0.height == 1 })
        // Stride 8: 16×16 grid, 2 anchors per cell, row-major.
        XCTAssertEqual(anchors[0], SSDAnchor(xCenter: 0.03125, yCenter: 0.03125, width: 1, height: 1))
        XCTAssertEqual(anchors[1], anchors[0])
        XCTAssertEqual(anchors[2].xCenter, 1.5 / 16)
        XCTAssertEqual(anchors[2].yCenter, 0.5 / 16)
        XCTAssertEqual(anchors[32].xCenter, 0.5 / 16)
        XCTAssertEqual(anchors[32].yCenter, 1.5 / 16)
        XCTAssertEqual(anchors[511].xCenter, 15.5 / 16)
        XCTAssertEqual(anchors[511].yCenter, 15.5 / 16)
        // Strides 16, 16, 16 share one 8×8 grid with 3 × 2 = 6 anchors per cell.
        XCTAssertEqual(anchors[512].xCenter, 0.0625)
        XCTAssertEqual(anchors[512].yCenter, 0.0625)
        XCTAssertTrue(anchors[512..<518].allSatisfy { $0 == anchors[512] })
        XCTAssertEqual(anchors[518].xCenter, 1.5 / 8)
        XCTAssertEqual(anchors[895].xCenter, 7.5 / 8)
        XCTAssertEqual(anchors[895].yCenter, 7.5 / 8)
        XCTAssertEqual(Set(anchors[..<512].map { [$0.xCenter, $0.yCenter] }).count, 256)
        XCTAssertEqual(Set(anchors[512...].map { [$0.xCenter, $0.yCenter] }).count, 64)
    }

    /// Two layers, free anchor sizes: scales 0.2 and 0.6, aspect ratios 1 and 2 plus the interpolated anchor
    /// √(s·s_next) (s_next = 1 after the last layer); width = s·√r, height = s/√r.
    func testAnchorSizesWhenNotFixed() throws {
        let options = SSDAnchorOptions(inputWidth: 32, inputHeight: 32, minScale: 0.2, maxScale: 0.6, numLayers: 2,
                                       strides: [8, 16], aspectRatios: [1, 2], interpolatedScaleAspectRatio: 1,
                                       fixedAnchorSize: false)
        let anchors = try SSDAnchors.generate(options)
        XCTAssertEqual(anchors.count, 4 * 4 * 3 + 2 * 2 * 3)
        XCTAssertEqual(anchors[0].width, 0.2, accuracy: 1e-6)
        XCTAssertEqual(anchors[1].width, 0.2 * Float(2).squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(anchors[1].height, 0.2 / Float(2).squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(anchors[2].width, (0.2 * 0.6).squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(anchors[48].width, 0.6, accuracy: 1e-6)
        XCTAssertEqual(anchors[50].width, Float(0.6).squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(anchors[48].xCenter, 0.25)
        XCTAssertEqual(anchors[59].xCenter, 0.75)
        XCTAssertThrowsError(try SSDAnchors.generate(SSDAnchorOptions(inputWidth: 32, inputHeight: 32, minScale: 0.2,
                                                                      maxScale: 0.6, numLayers: 3, strides: [8])))
    }

    func testDecodingOfSyntheticTensors() throws {
        let decoder = try FaceDetectionDecoder.shortRange()
        var regressors = [Float](repeating: 0, count: 896 * 16)
        var logits = [Float](repeating: -10, count: 896)
        // Anchor 0 (centre 1/32, 1/32): centre offset (12.8, −6.4) px, size 25.6 × 12.8 px of 128.
        regressors[0..<4] = [12.8, -6.4, 25.6, 12.8]
        for k in 0..<6 {
            regressors[4 + 2 * k] = 1.28 * Float(k)
            regressors[5 + 2 * k] = -1.28 * Float(k)
        }
        logits[0] = 2
        // Anchor 512 (centre 1/16): score exactly at the threshold → kept.
        regressors[512 * 16 + 2] = 12.8
        regressors[512 * 16 + 3] = 12.8
        logits[512] = 0
        // Just below the threshold → dropped.
        regressors[513 * 16 + 2] = 12.8
        regressors[513 * 16 + 3] = 12.8
        logits[513] = -1e-3
        // Negative width → dropped; NaN height → dropped.
        regressors[514 * 16 + 2] = -1
        logits[514] = 5
        regressors[515 * 16 + 3] = .nan
        logits[515] = 5
        // A huge logit is clamped to 100 before the sigmoid.
        regressors[895 * 16 + 2] = 6.4
        regressors[895 * 16 + 3] = 6.4
        logits[895] = 1e6

        let detections = try decoder.decode(regressors: regressors, logits: logits)
        XCTAssertEqual(detections.count, 3)
        let first = detections[0]
        XCTAssertEqual(first.score, Float(1 / (1 + exp(-2.0))), accuracy: 1e-7)
        XCTAssertEqual(first.box.xMin, 0.13125 - 0.1, accuracy: 1e-6)
        XCTAssertEqual(first.box.yMin, -0.01875 - 0.05, accuracy: 1e-6)
        XCTAssertEqual(first.box.width, 0.2, accuracy: 1e-6)
        XCTAssertEqual(first.box.height, 0.1, accuracy: 1e-6)
        for k in 0..<6 {
            XCTAssertEqual(first.keypoints[k].x, 0.03125 + 0.01 * Float(k), accuracy: 1e-6)
            XCTAssertEqual(first.keypoints[k].y, 0.03125 - 0.01 * Float(k), accuracy: 1e-6)
        }
        XCTAssertEqual(first[.leftEye], first.keypoints[1])
        XCTAssertEqual(detections[1].score, 0.5)
        XCTAssertEqual(detections[1].box.xMin, 0.0625 - 0.05, accuracy: 1e-6)
        XCTAssertEqual(detections[2].score, 1)
        XCTAssertEqual(detections[2].box.width, 0.05, accuracy: 1e-6)

        XCTAssertThrowsError(try decoder.decode(regressors: [Float](repeating: 0, count: 10), logits: logits)) {
            XCTAssertEqual($0 as? FaceMeshError,
                           .wrongOutputSize(output: "regressors", expected: 896 * 16, actual: 10))
        }
        XCTAssertThrowsError(try decoder.decode(regressors: regressors, logits: [1]))
    }

    private func detection(_ xMin: Float, _ yMin: Float, _ xMax: Float, _ yMax: Float, score: Float,
                           keypoint: SIMD2<Float> = .zero) -> FaceDetection {
        FaceDetection(box: AxisAlignedBox(xMin: xMin, yMin: yMin, xMax: xMax, yMax: yMax),
                      keypoints: Array(repeating: keypoint, count: 6), score: score)
    }

    func testWeightedNonMaxSuppression() {
        let a = detection(0.1, 0.1, 0.5, 0.5, score: 0.9, keypoint: SIMD2(0.2, 0.3))
        let b = detection(0.15, 0.12, 0.55, 0.52, score: 0.6, keypoint: SIMD2(0.35, 0.45))
        let c = detection(0.7, 0.7, 0.9, 0.9, score: 0.95, keypoint: SIMD2(0.8, 0.8))
        // IoU(a, b) = 0.35·0.38 / (0.16 + 0.16 − 0.133) = 0.711 > 0.3; c overlaps neither.
        let output = WeightedNonMaxSuppression.apply([a, b, c])
        XCTAssertEqual(output.count, 2)
        XCTAssertEqual(output[0], c)
        let merged = output[1]
        XCTAssertEqual(merged.score, 0.9)
        XCTAssertEqual(merged.box.xMin, (0.1 * 0.9 + 0.15 * 0.6) / 1.5, accuracy: 1e-6)
        XCTAssertEqual(merged.box.yMin, (0.1 * 0.9 + 0.12 * 0.6) / 1.5, accuracy: 1e-6)
        XCTAssertEqual(merged.box.xMax, (0.5 * 0.9 + 0.55 * 0.6) / 1.5, accuracy: 1e-6)
        XCTAssertEqual(merged.box.yMax, (0.5 * 0.9 + 0.52 * 0.6) / 1.5, accuracy: 1e-6)
        XCTAssertEqual(merged.keypoints[3].x, (0.2 * 0.9 + 0.35 * 0.6) / 1.5, accuracy: 1e-6)
        XCTAssertEqual(merged.keypoints[3].y, (0.3 * 0.9 + 0.45 * 0.6) / 1.5, accuracy: 1e-6)
    }

    /// Clusters are formed around the top detection only: b overlaps both a and c, a and c do not overlap.
    func testClustersAreRelativeToTheTopDetection() {
        let a = detection(0.0, 0.0, 0.4, 0.4, score: 0.9)
        let b = detection(0.1, 0.0, 0.5, 0.4, score: 0.8)  // IoU(a, b) = 0.3·0.4/(0.32 − 0.12) = 0.6
        let c = detection(0.3, 0.0, 0.7, 0.4, score: 0.7)  // IoU(a, c) = 0.04/0.28 = 0.14, IoU(b, c) = 0.33
        let output = WeightedNonMaxSuppression.apply([c, b, a])
        XCTAssertEqual(output.count, 2)
        XCTAssertEqual(output[0].score, 0.9)
        XCTAssertEqual(output[0].box.xMin, (0 * 0.9 + 0.1 * 0.8) / 1.7, accuracy: 1e-6)
        XCTAssertEqual(output[1], c)
    }

    /// Merging needs IoU strictly above the threshold.
    func testThresholdIsStrict() {
        let a = detection(0, 0, 1, 1, score: 0.9)
        let half = detection(0, 0, 0.5, 1, score: 0.8)  // IoU exactly 0.5
        XCTAssertEqual(WeightedNonMaxSuppression.apply([a, half], threshold: 0.5).count, 2)
        let more = detection(0, 0, Float(0.5).nextUp, 1, score: 0.8)
        XCTAssertEqual(WeightedNonMaxSuppression.apply([a, more], threshold: 0.5).count, 1)
        // Default 0.3: IoU 0.25 stays separate, IoU 0.35 merges.
        XCTAssertEqual(WeightedNonMaxSuppression.apply([a, detection(0, 0, 0.25, 1, score: 0.5)]).count, 2)
        XCTAssertEqual(WeightedNonMaxSuppression.apply([a, detection(0, 0, 0.35, 1, score: 0.5)]).count, 1)
    }

    /// A top detection with an empty box does not overlap itself: MediaPipe outputs it and stops.
    func testEmptyTopBoxStopsSuppression() {
        let empty = detection(0.5, 0.5, 0.5, 0.5, score: 0.99)
        let other = detection(0, 0, 0.2, 0.2, score: 0.5)
        XCTAssertEqual(WeightedNonMaxSuppression.apply([other, empty]), [empty])
        XCTAssertEqual(WeightedNonMaxSuppression.apply([]), [])
    }

    /// 200×100 frame → 200-pixel square letterbox: tensor (x, y) → image ((200x − 100 + 100)/200,
    /// (200y − 100 + 50)/100).
    func testDetectorProjectionToImage() throws {
        let input = try DetectorInput(imageWidth: 200, imageHeight: 100)
        XCTAssertEqual(input.region, RotatedRect(centerX: 100, centerY: 50, width: 200, height: 200))
        func check(_ t: SIMD2<Float>, _ expected: SIMD2<Float>) {
            let p = input.imagePoint(fromTensorPoint: t)
            XCTAssertEqual(p.x, expected.x, accuracy: 1e-6)
            XCTAssertEqual(p.y, expected.y, accuracy: 1e-6)
        }
        check(SIMD2(0.5, 0.5), SIMD2(0.5, 0.5))
        check(SIMD2(0, 0), SIMD2(0, -0.5))
        check(SIMD2(1, 1), SIMD2(1, 1.5))
        check(SIMD2(0.3, 0.6), SIMD2(0.3, 0.7))
        let tensorDetection = detection(0.25, 0.25, 0.75, 0.5, score: 0.8, keypoint: SIMD2(0.5, 0.25))
        let projected = input.projectToImage(tensorDetection)
        XCTAssertEqual(projected.box.xMin, 0.25, accuracy: 1e-6)
        XCTAssertEqual(projected.box.yMin, 0.0, accuracy: 1e-6)
        XCTAssertEqual(projected.box.height, 0.5, accuracy: 1e-6)
        XCTAssertEqual(projected.keypoints[0].y, 0.0, accuracy: 1e-6)
        XCTAssertEqual(projected.score, 0.8)
        let pixels = projected.scaledToPixels(imageWidth: 200, imageHeight: 100)
        XCTAssertEqual(pixels.box.width, 100, accuracy: 1e-4)
        XCTAssertEqual(pixels.box.height, 50, accuracy: 1e-4)
        // Portrait: padding is horizontal.
        let portrait = try DetectorInput(imageWidth: 100, imageHeight: 200)
        let p = portrait.imagePoint(fromTensorPoint: SIMD2(0, 1))
        XCTAssertEqual(p.x, -0.5, accuracy: 1e-6)
        XCTAssertEqual(p.y, 1, accuracy: 1e-6)
    }
}
