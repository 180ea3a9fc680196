import XCTest
@testable import FaceMesh

/// The crowd strategy's tile pyramid: levels, coverage, overlap, the per-tile keep rule, bad parameters; and the
/// full-range detector's anchors (MediaPipe's face_detection_full_range.pbtxt).
final class CrowdTilingTests: XCTestCase {
    func testLevelsForTheSolvayPhoto() throws {
        let tiling = CrowdTiling()
        XCTAssertEqual(tiling.finestTileSide, 128)
        // 1280 × 926: sides 128, 256, 512 (1024 is past 2/3 of the long side, the whole-image passes cover it).
        XCTAssertEqual(tiling.levelSides(imageWidth: 1280, imageHeight: 926), [128, 256, 512])
        let tiles = try tiling.tiles(imageWidth: 1280, imageHeight: 926)
        XCTAssertEqual(tiles.filter { $0.level == 0 }.count, 15 * 11)
        XCTAssertEqual(tiles.filter { $0.level == 1 }.count, 8 * 6)
        XCTAssertEqual(tiles.filter { $0.level == 2 }.count, 4 * 3)
        // Small images need no tiles: the whole-image passes already see 1/6 of 160 px = 27-px faces.
        XCTAssertTrue(try tiling.tiles(imageWidth: 160, imageHeight: 120).isEmpty)
    }

    func testTilesCoverTheImageWithTheRequestedOverlap() throws {
        var tiling = CrowdTiling()
        for (width, height) in [(1280, 926), (640, 480), (1000, 3000), (333, 1200)] {
            for overlap: Float in [0, 0.35, 0.5] {
                tiling.overlap = overlap
                let tiles = try tiling.tiles(imageWidth: width, imageHeight: height)
                for level in Set(tiles.map(\.level)) {
                    let onLevel = tiles.filter { $0.level == level }
                    let side = onLevel[0].region.width
                    let xs = Array(Set(onLevel.map(\.region.centerX))).sorted()
                    let ys = Array(Set(onLevel.map(\.region.centerY))).sorted()
                    XCTAssertEqual(xs.count * ys.count, onLevel.count)
                    for (centres, length) in [(xs, Float(width)), (ys, Float(height))] {
                        if length > side {
                            XCTAssertEqual(centres.first! - side / 2, 0, accuracy: 1e-3)
                            XCTAssertEqual(centres.last! + side / 2, length, accuracy: 1e-2)
                        } else {
                            XCTAssertEqual(centres, [length / 2])
                        }
                        for (a, b) in zip(centres, centres.dropFirst()) {
                            XCTAssertGreaterThanOrEqual(side - (b - a), overlap * side - 1e-3, "\(width)×\(height)")
                        }
                    }
                }
            }
        }
    }

    func testKeepRule() throws {
        let tiling = CrowdTiling()
        let tiles = try tiling.tiles(imageWidth: 1280, imageHeight: 926)
        let corner = tiles.first { $0.level == 0 }!      // top-left: left and top edges on the image border
        XCTAssertTrue(corner.onImageBorder.left && corner.onImageBorder.top)
        XCTAssertFalse(corner.onImageBorder.right || corner.onImageBorder.bottom)
        // Inside: kept. Touching the image border: kept. Touching an inner edge: dropped. Too wide: dropped.
        XCTAssertTrue(tiling.keeps(AxisAlignedBox(xMin: 40, yMin: 40, width: 30, height: 30), in: corner))
        XCTAssertTrue(tiling.keeps(AxisAlignedBox(xMin: -2, yMin: -1, width: 30, height: 30), in: corner))
        XCTAssertFalse(tiling.keeps(AxisAlignedBox(xMin: 100, yMin: 40, width: 27, height: 30), in: corner))
        XCTAssertFalse(tiling.keeps(AxisAlignedBox(xMin: 40, yMin: 100, width: 30, height: 27), in: corner))
        XCTAssertFalse(tiling.keeps(AxisAlignedBox(xMin: 10, yMin: 10, width: 70, height: 70), in: corner))
    }

    func testInvalidParametersThrow() {
        var tiling = CrowdTiling()
        tiling.overlap = 0.95
        XCTAssertThrowsError(try tiling.tiles(imageWidth: 100, imageHeight: 100))
        tiling = CrowdTiling()
        tiling.smallestFace = 0
        XCTAssertThrowsError(try tiling.tiles(imageWidth: 100, imageHeight: 100))
        tiling = CrowdTiling()
        tiling.levelRatio = 1
        XCTAssertThrowsError(try tiling.tiles(imageWidth: 100, imageHeight: 100))
        XCTAssertThrowsError(try CrowdTiling().tiles(imageWidth: 0, imageHeight: 100))
    }

    /// MediaPipe's full-range graph: one stride-4 layer on 192 px → a 48 × 48 grid, one anchor per cell.
    func testFullRangeAnchors() throws {
        let anchors = try SSDAnchors.generate(.faceDetectionFullRange)
        XCTAssertEqual(anchors.count, FaceDetectorKind.fullRange.anchorCount)
        XCTAssertEqual(anchors[0], SSDAnchor(xCenter: 0.5 / 48, yCenter: 0.5 / 48, width: 1, height: 1))
        XCTAssertEqual(anchors[49], SSDAnchor(xCenter: 1.5 / 48, yCenter: 1.5 / 48, width: 1, height: 1))
        XCTAssertEqual(anchors[2303], SSDAnchor(xCenter: 47.5 / 48, yCenter: 47.5 / 48, width: 1, height: 1))
        XCTAssertEqual(try SSDAnchors.generate(.faceDetectionShortRange).count, FaceDetectorKind.shortRange.anchorCount)
        let decoder = try FaceDetectorKind.fullRange.makeDecoder(minScore: 0.6)
        XCTAssertEqual(decoder.options.xScale, 192)
        XCTAssertEqual(decoder.options.minScore, 0.6)
    }
}
