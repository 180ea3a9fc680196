import XCTest
@testable import FaceMesh

/// The rotated-ROI sampler against OpenCV's warpPerspective(INTER_LINEAR) crops made as MediaPipe makes them.
final class CropSamplerTests: XCTestCase {
    func testCropsMatchOpenCV() throws {
        let manifest = try PipelineFixtures.manifest()
        XCTAssertEqual(manifest.crops.count, 10, "crop cases in Tests/Fixtures/Pipeline/manifest.json")
        for item in manifest.crops {
            let image = try PipelineFixtures.image(item.image, in: manifest)
            let region = RotatedRect(centerX: item.centerX, centerY: item.centerY, width: item.width,
                                     height: item.height, rotation: item.rotation)
            let border: BorderMode = item.border == "zero" ? .zero : .replicate
            let actual = try ImageCropper.cropBytes(image, region: region, outputWidth: item.outputWidth,
                                                    outputHeight: item.outputHeight, border: border)
            let expected = try PipelineFixtures.bytes(item.expected)
            let comparison = ByteComparison(actual, expected)
            XCTAssertLessThanOrEqual(comparison.maximum, 2, item.name)
            XCTAssertGreaterThanOrEqual(comparison.withinOneFraction, 0.995, item.name)
            XCTAssertGreaterThanOrEqual(comparison.exactFraction, 0.999, "\(item.name): expected byte-exact agreement")
            XCTAssertEqual(comparison.exact, comparison.count, "\(item.name): expected byte-exact agreement")
            print("crop \(item.name): \(comparison.exact)/\(comparison.count) bytes identical, max Δ \(comparison.maximum)")
        }
    }

    func testFloatOutputIsByteTimesRangePlusMinimum() throws {
        let manifest = try PipelineFixtures.manifest()
        let item = try XCTUnwrap(manifest.crops.first { $0.name == "face_model_192" })
        let image = try PipelineFixtures.image(item.image, in: manifest)
        let region = RotatedRect(centerX: item.centerX, centerY: item.centerY, width: item.width,
                                 height: item.height, rotation: item.rotation)
        let expected = try PipelineFixtures.bytes(item.expected)
        var tensor = [Float](repeating: .nan, count: expected.count)
        try tensor.withUnsafeMutableBufferPointer { buffer in
            try ImageCropper.crop(image, region: region, outputWidth: 192, outputHeight: 192, border: .replicate,
                                  valueRange: 0...1, into: buffer.baseAddress!, destinationCount: buffer.count)
        }
        var mismatches = 0, largest: Float = 0
        for (value, byte) in zip(tensor, expected) {
            let difference = abs(value - Float(byte) / 255)
            largest = max(largest, difference)
            if difference > 1e-6 { mismatches += 1 }
        }
        print("crop face_model_192 as floats: \(mismatches) values off by more than 1e-6, largest |Δ| \(largest)")
        XCTAssertEqual(mismatches, 0, "the float crop is the byte crop / 255")  // measured 0
        XCTAssertLessThanOrEqual(largest, 1e-6)
        // The extremes are those of OpenCV's crop (min and max of the expected bytes mapped to [0, 1]), so a shifted
        // or rescaled value range fails here.
        XCTAssertEqual(tensor.min()!, Float(expected.min()!) / 255, accuracy: 1e-6)
        XCTAssertEqual(tensor.max()!, Float(expected.max()!) / 255, accuracy: 1e-6)
        XCTAssertLessThan(expected.min()!, 40, "the fixture spans a wide range")
        XCTAssertGreaterThan(expected.max()!, 215, "the fixture spans a wide range")
    }

    func testLetterboxedDetectorInputMatchesOpenCV() throws {
        let manifest = try PipelineFixtures.manifest()
        XCTAssertEqual(manifest.letterboxes.count, 2)
        for item in manifest.letterboxes {
            let image = try PipelineFixtures.image(item.image, in: manifest)
            let input = try DetectorInput(imageWidth: image.width, imageHeight: image.height)
            XCTAssertEqual(input.region.centerX, item.centerX)
            XCTAssertEqual(input.region.centerY, item.centerY)
            XCTAssertEqual(input.region.width, item.width)
            XCTAssertEqual(input.region.height, item.height)
            let expected = try PipelineFixtures.bytes(item.expected)
            let comparison = ByteComparison(try input.makeTensorBytes(from: image), expected)
            XCTAssertLessThanOrEqual(comparison.maximum, 2, item.image)
            XCTAssertGreaterThanOrEqual(comparison.exactFraction, 0.999, item.image)
            XCTAssertEqual(comparison.exact, comparison.count, "\(item.image): expected byte-exact agreement")
            print("letterbox \(item.image): \(comparison.exact)/\(comparison.count) bytes identical")

            var tensor = [Float](repeating: .nan, count: input.tensorValueCount)
            try tensor.withUnsafeMutableBufferPointer { buffer in
                try input.makeTensor(from: image, into: buffer.baseAddress!, destinationCount: buffer.count)
            }
            // Letterbox rows/columns are byte 0 → −1; everything maps to [−1, 1].
            XCTAssertEqual(tensor[0], -1)
            XCTAssertEqual(tensor.min()!, -1)
            XCTAssertLessThanOrEqual(tensor.max()!, 1)
            for (value, byte) in zip(tensor, expected) where byte == 255 { XCTAssertEqual(value, 1, accuracy: 1e-6) }
        }
    }

    func testBadInputsThrowTypedErrors() throws {
        let image = try RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 7, count: 12))
        XCTAssertThrowsError(try RGBImage(width: 2, height: 2, pixels: [1, 2, 3])) {
            XCTAssertEqual($0 as? RGBImageError, .pixelCountMismatch(width: 2, height: 2, expected: 12, actual: 3))
        }
        XCTAssertThrowsError(try RGBImage(width: 0, height: 2, pixels: [])) {
            XCTAssertEqual($0 as? RGBImageError, .invalidDimensions(width: 0, height: 2))
        }
        let zeroSize = RotatedRect(centerX: 1, centerY: 1, width: 0, height: 2)
        XCTAssertThrowsError(try ImageCropper.cropBytes(image, region: zeroSize, outputWidth: 4, outputHeight: 4,
                                                        border: .zero)) {
            XCTAssertEqual($0 as? FaceMeshError, .invalidRegion(zeroSize))
        }
        let good = RotatedRect(centerX: 1, centerY: 1, width: 2, height: 2)
        XCTAssertThrowsError(try ImageCropper.cropBytes(image, region: good, outputWidth: 0, outputHeight: 4,
                                                        border: .zero)) {
            XCTAssertEqual($0 as? FaceMeshError, .invalidOutputSize(width: 0, height: 4))
        }
        var small = [Float](repeating: 0, count: 10)
        XCTAssertThrowsError(try small.withUnsafeMutableBufferPointer { buffer in
            try ImageCropper.crop(image, region: good, outputWidth: 4, outputHeight: 4, border: .zero,
                                  valueRange: 0...1, into: buffer.baseAddress!, destinationCount: buffer.count)
        }) { XCTAssertEqual($0 as? FaceMeshError, .destinationTooSmall(required: 48, actual: 10)) }
        let input = try DetectorInput(imageWidth: 3, imageHeight: 2)
        XCTAssertThrowsError(try input.makeTensorBytes(from: image)) {
            XCTAssertEqual($0 as? FaceMeshError,
                           .detectorImageSizeMismatch(expectedWidth: 3, expectedHeight: 2, actualWidth: 2, actualHeight: 2))
        }
    }

    /// The branch-free rounding equals round-half-to-even (OpenCV's cvRound) and saturates to Int32.
    func testFixedPointRounding() {
        let values: [Double] = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -3.2, 7.7, 1e9 + 0.5, -1e9 - 0.5, 123456.49999]
        for value in values {
            XCTAssertEqual(ImageCropper.roundToInt32(value), Int32(value.rounded(.toNearestOrEven)), "\(value)")
        }
        XCTAssertEqual(ImageCropper.roundToInt32(1e12), Int32.max)
        XCTAssertEqual(ImageCropper.roundToInt32(-1e12), Int32.min)
    }

    /// A uniform image stays uniform whatever the ROI, border replicate included (the weights sum to 2^15).
    func testUniformImageStaysUniform() throws {
        let image = try RGBImage(width: 5, height: 7, pixels: [UInt8](repeating: 201, count: 5 * 7 * 3))
        let region = RotatedRect(centerX: 1.3, centerY: 6.1, width: 11, height: 9, rotation: 0.8)
        let bytes = try ImageCropper.cropBytes(image, region: region, outputWidth: 16, outputHeight: 12,
                                               border: .replicate)
        XCTAssertEqual(Set(bytes), [201])
    }
}
