import XCTest
@testable import FaceMesh

/// The iris cascade's eye input against OpenCV (crop, resize, letterbox, flip as MediaPipe's calculators do them)
/// and its decoding against hand-computed geometry.
final class IrisCascadeTests: XCTestCase {
    func testEyeCropsAndInputsMatchOpenCV() throws {
        let manifest = try PipelineFixtures.manifest()
        let eyes = try XCTUnwrap(manifest.eyes)
        XCTAssertEqual(eyes.count, 7, "eye cases in Tests/Fixtures/Pipeline/manifest.json")
        for item in eyes {
            let image = try PipelineFixtures.image(item.image, in: manifest)
            let region = NormalizedRect(xCenter: item.xCenter, yCenter: item.yCenter, width: item.width,
                                        height: item.height, rotation: item.rotation)
            let crop = try NearestNeighbourCrop.crop(image, region: region)
            XCTAssertEqual(crop.width, item.cropWidth, item.name)
            XCTAssertEqual(crop.height, item.cropHeight, item.name)
            let expectedCrop = try PipelineFixtures.bytes(item.crop)
            let pixelRect = NearestNeighbourCrop.pixelRegion(for: region, imageWidth: image.width,
                                                             imageHeight: image.height)
            var untiedMismatches = 0, tiedMismatches = 0
            for v in 0..<crop.height {
                for u in 0..<crop.width where crop.pixel(x: u, y: v) != pixel(expectedCrop, crop.width, u, v) {
                    // Only exact half-pixel ties of an unrotated crop may round either way: there the result
                    // hinges on the last bit of the matrix, and the OpenCV wheel solves it with LAPACK.
                    if item.rotation == 0 && (isTie(u, pixelRect.centerX, pixelRect.width)
                        || isTie(v, pixelRect.centerY, pixelRect.height)) {
                        tiedMismatches += 1
                    } else {
                        untiedMismatches += 1
                    }
                }
            }
            XCTAssertEqual(untiedMismatches, 0, "\(item.name): nearest-neighbour crop")

            // Resize, letterbox and mirroring from OpenCV's own crop: byte-exact.
            let fromCrop = try IrisEyeInput(crop: RGBImage(width: item.cropWidth, height: item.cropHeight,
                                                             pixels: expectedCrop),
                                            region: region, mirrored: item.mirrored)
            let expected = try PipelineFixtures.bytes(item.expected)
            let comparison = ByteComparison(fromCrop.bytes, expected)
            XCTAssertEqual(comparison.exact, comparison.count, "\(item.name): resize/letterbox/mirror")
            // The whole chain from the image.
            let input = try IrisEyeInput(image: image, region: region, mirrored: item.mirrored)
            let chain = ByteComparison(input.bytes, expected)
            if tiedMismatches == 0 { XCTAssertEqual(chain.exact, chain.count, item.name) }
            print("eye \(item.name): crop mismatches at ties \(tiedMismatches), input from crop "
                + "\(comparison.exact)/\(comparison.count) identical, from image \(chain.exact)/\(chain.count)")
            XCTAssertEqual([input.padding.left, input.padding.top, input.padding.right, input.padding.bottom],
                           item.padding, item.name)

            var tensor = [Float](repeating: .nan, count: input.tensorValueCount)
            try tensor.withUnsafeMutableBufferPointer {
                try input.writeTensor(into: $0.baseAddress!, destinationCount: $0.count)
            }
            for (value, byte) in zip(tensor, input.bytes) { XCTAssertEqual(value, Float(byte) / 255) }
        }
    }

    /// Without mirroring or letterbox, decoding is the §6 projection with a 64-pixel crop; mirroring maps x to
    /// 64 − x first.
    func testDecodingIsProjectionOfTheCrop() throws {
        let image = try RGBImage(width: 200, height: 100, pixels: [UInt8](repeating: 90, count: 200 * 100 * 3))
        // Square in pixels: 40 px → width 0.2, height 0.4.
        let region = NormalizedRect(xCenter: 0.4, yCenter: 0.55, width: 0.2, height: 0.4, rotation: 0.35)
        let contour = (0..<213).map { Float(($0 * 37) % 64) + 0.25 }
        let iris = (0..<15).map { Float(($0 * 11) % 64) - 3 }
        for mirrored in [false, true] {
            let input = try IrisEyeInput(image: image, region: region, mirrored: mirrored)
            XCTAssertEqual(input.padding.left, 0)
            XCTAssertEqual(input.padding.top, 0)
            let decoded = try contour.withUnsafeBufferPointer { c in
                try iris.withUnsafeBufferPointer { i in try input.decode(contour: c, iris: i) }
            }
            func reference(_ raw: [Float]) -> [Landmark] {
                let crop = stride(from: 0, to: raw.count, by: 3).map {
                    Landmark(x: mirrored ? 64 - raw[$0] : raw[$0], y: raw[$0 + 1], z: raw[$0 + 2])
                }
                return LandmarkProjection.cropToImage(crop, inputSize: 64, region: region)
            }
            assertClose(decoded.contour, reference(contour), tolerance: 2e-6)
            assertClose(decoded.iris, reference(iris), tolerance: 2e-6)
            XCTAssertEqual(decoded.contour.count, 71)
            XCTAssertEqual(decoded.iris.count, 5)
        }
    }

    /// A 40×30 crop fits 64×48 with 8 black rows above and below: padding 0.125 top and bottom; a point at the
    /// top of the content (y = 8) lands on the ROI's top edge.
    func testLetterboxRemoval() throws {
        let image = try RGBImage(width: 160, height: 180, pixels: [UInt8](repeating: 10, count: 160 * 180 * 3))
        let region = NormalizedRect(xCenter: 0.5, yCenter: 0.5, width: 40 / 160, height: 30 / 180, rotation: 0)
        let input = try IrisEyeInput(image: image, region: region, mirrored: false)
        XCTAssertEqual(input.padding.top, 0.125)
        XCTAssertEqual(input.padding.bottom, 0.125)
        XCTAssertEqual(input.bytes[0], 0)  // letterbox
        XCTAssertEqual(input.bytes[(32 * 64 + 32) * 3], 10)
        var contour = [Float](repeating: 32, count: 213)
        contour[0] = 0; contour[1] = 8; contour[2] = 6.4  // top-left of the content
        let iris = [Float](repeating: 32, count: 15)
        let decoded = try contour.withUnsafeBufferPointer { c in
            try iris.withUnsafeBufferPointer { i in try input.decode(contour: c, iris: i) }
        }
        let pixels = LandmarkCoordinates.toPixels(decoded.contour, imageWidth: 160, imageHeight: 180)
        XCTAssertEqual(pixels[0].x, 80 - 20, accuracy: 1e-4)
        XCTAssertEqual(pixels[0].y, 90 - 15, accuracy: 1e-4)
        XCTAssertEqual(pixels[0].z, 6.4 / 64 * 40, accuracy: 1e-4)  // z scales like x: 40 px per crop width
        XCTAssertEqual(pixels[1].x, 80, accuracy: 1e-4)
        XCTAssertEqual(pixels[1].y, 90, accuracy: 1e-4)
    }

    func testMergeAndErrors() throws {
        let mesh = (0..<10).map { Landmark(x: Float($0), y: 0, z: 0) }
        let left = [Landmark(x: 100, y: 1, z: 2), Landmark(x: 101, y: 1, z: 2)]
        let right = [Landmark(x: 200, y: 1, z: 2), Landmark(x: 201, y: 1, z: 2)]
        let irisLeft = [Landmark(x: -1, y: -1, z: -1)], irisRight = [Landmark(x: -2, y: -2, z: -2)]
        let merged = try IrisCascadeMerge.merge(mesh: mesh, imageLeftContour: left, imageLeftIris: irisLeft,
                                                imageRightContour: right, imageRightIris: irisRight,
                                                imageLeftIndices: [3, 1], imageRightIndices: [8, 9])
        XCTAssertEqual(merged.count, 12)
        XCTAssertEqual(merged[3], left[0])
        XCTAssertEqual(merged[1], left[1])
        XCTAssertEqual(merged[8], right[0])
        XCTAssertEqual(merged[9], right[1])
        XCTAssertEqual(merged[0], mesh[0])
        XCTAssertEqual(Array(merged[10...]), irisLeft + irisRight)
        XCTAssertThrowsError(try IrisCascadeMerge.merge(mesh: mesh, imageLeftContour: left, imageLeftIris: irisLeft,
                                                        imageRightContour: right, imageRightIris: irisRight,
                                                        imageLeftIndices: [3, 10], imageRightIndices: [8, 9]))

        let image = try RGBImage(width: 20, height: 20, pixels: [UInt8](repeating: 0, count: 1200))
        let input = try IrisEyeInput(image: image, region: NormalizedRect(xCenter: 0.5, yCenter: 0.5, width: 0.5,
                                                                          height: 0.5), mirrored: false)
        let short = [Float](repeating: 0, count: 12)
        XCTAssertThrowsError(try short.withUnsafeBufferPointer { try input.decode(contour: $0, iris: $0) }) {
            XCTAssertEqual($0 as? FaceMeshError, .wrongOutputSize(output: "eye contour", expected: 213, actual: 12))
        }
        XCTAssertThrowsError(try NearestNeighbourCrop.crop(image, region: NormalizedRect(
            xCenter: 0.5, yCenter: 0.5, width: 0.02, height: 0.5)))
    }

    private func pixel(_ bytes: [UInt8], _ width: Int, _ x: Int, _ y: Int) -> RGBColor {
        let o = (y * width + x) * 3
        return RGBColor(red: bytes[o], green: bytes[o + 1], blue: bytes[o + 2])
    }

    /// Whether output index `i` of an unrotated pixel-centred crop maps exactly half-way between two pixels:
    /// source = (centre − size/2) + i·size/(size − 1).
    private func isTie(_ i: Int, _ center: Float, _ size: Float) -> Bool {
        let position = Double(center) - Double(size) / 2 + Double(i) * Double(size) / (Double(size) - 1)
        return abs(position - position.rounded(.down) - 0.5) < 1e-9
    }

    private func assertClose(_ a: [Landmark], _ b: [Landmark], tolerance: Float,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        for (p, q) in zip(a, b) {
            XCTAssertEqual(p.x, q.x, accuracy: tolerance, file: file, line: line)
            XCTAssertEqual(p.y, q.y, accuracy: tolerance, file: file, line: line)
            XCTAssertEqual(p.z, q.z, accuracy: tolerance, file: file, line: line)
        }
    }
}
