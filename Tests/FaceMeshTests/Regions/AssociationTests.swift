import XCTest
@testable import FaceMesh

/// Merging detection and tracking ROIs as the legacy graph does (§8).
final class AssociationTests: XCTestCase {
    private func rect(_ x: Float, _ y: Float, _ side: Float = 0.2, rotation: Float = 0) -> NormalizedRect {
        NormalizedRect(xCenter: x, yCenter: y, width: side, height: side, rotation: rotation)
    }

    /// (0.5, 0.5) and (0.55, 0.5), 0.2 × 0.2: intersection 0.15 × 0.2 = 0.03, union 0.08 − 0.03 → IoU 0.6.
    func testIntersectionOverUnionIgnoresRotation() {
        XCTAssertEqual(rect(0.5, 0.5).intersectionOverUnion(with: rect(0.55, 0.5)), 0.6, accuracy: 1e-6)
        XCTAssertEqual(rect(0.5, 0.5).intersectionOverUnion(with: rect(0.5, 0.5, rotation: 0.8)), 1, accuracy: 1e-6)
        XCTAssertEqual(rect(0.2, 0.2).intersectionOverUnion(with: rect(0.8, 0.8)), 0)
    }

    func testTrackedRegionReplacesOverlappingDetection() {
        let detected = rect(0.5, 0.5), tracked = rect(0.55, 0.5, rotation: 0.3)
        XCTAssertEqual(ROIAssociation.mergeLegacy(detectionRegions: [detected], trackedRegions: [tracked]), [tracked])
    }

    func testSeparateRegionsAreKeptInOrder() {
        let detected = rect(0.2, 0.2), tracked = rect(0.7, 0.7)
        XCTAssertEqual(ROIAssociation.mergeLegacy(detectionRegions: [detected], trackedRegions: [tracked]),
                       [detected, tracked])
    }

    /// Overlapping elements of one input are deduplicated too (the later one stays); the result is not clipped.
    func testDeduplicationWithinAnInputAndNoClipping() {
        let a = rect(0.2, 0.2), aPrime = rect(0.22, 0.2), b = rect(0.8, 0.2), c = rect(0.5, 0.8)
        XCTAssertEqual(ROIAssociation.mergeLegacy(detectionRegions: [a, aPrime, b], trackedRegions: [c]),
                       [aPrime, b, c])
        XCTAssertEqual(ROIAssociation.mergeLegacy(detectionRegions: [], trackedRegions: [a, aPrime]), [aPrime])
        XCTAssertEqual(ROIAssociation.mergeLegacy(detectionRegions: [], trackedRegions: []), [])
    }

    /// IoU exactly at the threshold does not replace.
    func testThresholdIsStrict() {
        // Side 0.25 shifted by 0.0625: IoU = 0.1875/0.3125 = 0.6; with threshold 0.6 both stay, with 0.59 one.
        let a = NormalizedRect(xCenter: 0.5, yCenter: 0.5, width: 0.25, height: 0.25)
        let b = NormalizedRect(xCenter: 0.5625, yCenter: 0.5, width: 0.25, height: 0.25)
        XCTAssertEqual(a.intersectionOverUnion(with: b), 0.6, accuracy: 1e-7)
        let iou = a.intersectionOverUnion(with: b)
        XCTAssertEqual(ROIAssociation.merge([[a], [b]], threshold: iou), [a, b])
        XCTAssertEqual(ROIAssociation.merge([[a], [b]], threshold: iou.nextDown), [b])
    }

    /// The merge returns the items it was given (here identifiers with their regions), so tracks keep identity
    /// even when two items have equal rectangles.
    func testMergeReturnsTheItemsThemselves() {
        let shared = rect(0.5, 0.5)
        let detections = [(identifier: 1, region: rect(0.2, 0.2)), (identifier: 2, region: shared)]
        let tracked = [(identifier: 3, region: rect(0.52, 0.5)), (identifier: 4, region: rect(0.8, 0.8))]
        let merged = ROIAssociation.mergeLegacy(detections: detections, tracked: tracked, region: \.region)
        XCTAssertEqual(merged.map(\.identifier), [1, 3, 4])
        let twins = ROIAssociation.merge([[(identifier: 5, region: shared)], [(identifier: 6, region: shared)]],
                                         threshold: ROIAssociation.legacyThreshold, region: \.region)
        XCTAssertEqual(twins.map(\.identifier), [6])
    }
}
