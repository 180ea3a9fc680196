import TestSupport
import XCTest
@testable import TensorRuntime

/// RESIZE_BILINEAR and DEPTH_TO_SPACE (the full-range detector's upsampling ops): hand-computed values, fast paths
/// against the scalar references on random shapes, errors.
final class UpsamplingKernelsTests: XCTestCase {
    func testResizeBilinearHalfPixelTwiceUp() throws {
        // 1×2 → 1×4 with half-pixel centres: sources −0.25, 0.25, 0.75, 1.25 → [a, 0.75a+0.25b, 0.25a+0.75b, b].
        let geometry = try ResizeBilinear.Geometry(inputHeight: 1, inputWidth: 2, channels: 1, outputHeight: 1,
                                                   outputWidth: 4, alignCorners: false, halfPixelCenters: true)
        let output = GuardedBuffer(count: 4)
        ResizeBilinear.run(input: [4, 8], geometry: geometry, output: output.pointer)
        assertEqualFloats(output.values, [4, 5, 7, 8])
        XCTAssertTrue(output.guardsIntact)
    }

    func testResizeBilinearLegacyAndAlignCorners() throws {
        // Legacy (no half-pixel): sources 0, 0.5, 1, 1.5 → [a, (a+b)/2, b, b]. Align corners 2 → 3: 0, 0.5, 1.
        let legacy = try ResizeBilinear.Geometry(inputHeight: 1, inputWidth: 2, channels: 1, outputHeight: 1,
                                                 outputWidth: 4, alignCorners: false, halfPixelCenters: false)
        let output = GuardedBuffer(count: 4)
        ResizeBilinear.reference(input: [2, 6], geometry: legacy, output: output.pointer)
        assertEqualFloats(output.values, [2, 4, 6, 6])
        let aligned = try ResizeBilinear.Geometry(inputHeight: 1, inputWidth: 2, channels: 1, outputHeight: 1,
                                                  outputWidth: 3, alignCorners: true, halfPixelCenters: false)
        let buffer = GuardedBuffer(count: 3)
        ResizeBilinear.run(input: [2, 6], geometry: aligned, output: buffer.pointer)
        assertEqualFloats(buffer.values, [2, 4, 6])
    }

    func testResizeBilinearFastPathMatchesReferenceOnRandomShapes() throws {
        var random = TestRandom(seed: 77)
        for _ in 0..<120 {
            let halfPixel = random.bool()
            let geometry = try ResizeBilinear.Geometry(
                inputHeight: random.int(1...7), inputWidth: random.int(1...7), channels: random.pick([1, 3, 8, 9, 17]),
                outputHeight: random.int(1...14), outputWidth: random.int(1...14),
                alignCorners: !halfPixel && random.bool(), halfPixelCenters: halfPixel)
            let input = random.floats(geometry.inputCount)
            let reference = GuardedBuffer(count: geometry.outputCount)
            ResizeBilinear.reference(input: input, geometry: geometry, output: reference.pointer)
            let expected = reference.values
            let output = GuardedBuffer(count: geometry.outputCount)
            ResizeBilinear.run(input: input, geometry: geometry, output: output.pointer)
            // Measured: differences of a few ulp (the fast path multiplies by the product of the two weights).
            _ = assertClose(output.values, expected, relativeTolerance: 1e-6, "\(geometry)")
            XCTAssertTrue(output.guardsIntact)
            // Row ranges compose to the whole.
            let split = random.int(0...geometry.outputHeight)
            let pieces = GuardedBuffer(count: geometry.outputCount)
            ResizeBilinear.run(input: input, geometry: geometry, output: pieces.pointer, rows: 0..<split)
            ResizeBilinear.run(input: input, geometry: geometry, output: pieces.pointer,
                               rows: split..<geometry.outputHeight)
            assertEqualFloats(pieces.values, output.values, "rows split at \(split)")
        }
    }

    /// The resize with an ADD folded in (the full-range detector's upsampling + skip connection): bit for bit the
    /// resize followed by ADD and its RELU, over any row split; the addend may be the output buffer itself.
    func testResizeBilinearWithAddendEqualsResizeThenAdd() throws {
        var random = TestRandom(seed: 79)
        for trial in 0..<80 {
            let halfPixel = random.bool()
            let geometry = try ResizeBilinear.Geometry(
                inputHeight: random.int(1...7), inputWidth: random.int(1...7), channels: random.pick([1, 3, 8, 9, 17]),
                outputHeight: random.int(1...14), outputWidth: random.int(1...14),
                alignCorners: !halfPixel && random.bool(), halfPixelCenters: halfPixel)
            let relu = random.bool()
            let input = random.floats(geometry.inputCount), addend = random.floats(geometry.outputCount, in: -2...2)
            let resized = GuardedBuffer(count: geometry.outputCount), expected = GuardedBuffer(count: geometry.outputCount)
            ResizeBilinear.run(input: input, geometry: geometry, output: resized.pointer)
            Add.run(resized.pointer, addend, count: geometry.outputCount, activation: relu ? .relu : .none,
                    output: expected.pointer)
            let split = random.int(0...geometry.outputHeight)
            let fused = GuardedBuffer(count: geometry.outputCount)
            addend.withUnsafeBufferPointer { addend in
                for rows in [0..<split, split..<geometry.outputHeight] {
                    ResizeBilinear.run(input: input, geometry: geometry, output: fused.pointer, rows: rows,
                                       adding: addend.baseAddress!, relu: relu)
                }
            }
            XCTAssertEqual(fused.values.map(\.bitPattern), expected.values.map(\.bitPattern), "trial \(trial): \(geometry)")
            XCTAssertTrue(fused.guardsIntact)
            // In place: the addend is the output buffer.
            let inPlace = GuardedBuffer(count: geometry.outputCount)
            for index in 0..<geometry.outputCount { inPlace.pointer[index] = addend[index] }
            ResizeBilinear.run(input: input, geometry: geometry, output: inPlace.pointer,
                               adding: UnsafePointer(inPlace.pointer), relu: relu)
            XCTAssertEqual(inPlace.values.map(\.bitPattern), expected.values.map(\.bitPattern), "in place, trial \(trial)")
        }
    }

    func testDepthToSpaceKnownValues() throws {
        // 1×1×4 with block 2 → 2×2×1: channel k goes to (k / 2, k % 2).
        let geometry = try DepthToSpace.Geometry(inputHeight: 1, inputWidth: 1, inputChannels: 4, blockSize: 2)
        XCTAssertEqual(geometry.outputShape, [1, 2, 2, 1])
        let output = GuardedBuffer(count: 4)
        DepthToSpace.run(input: [1, 2, 3, 4], geometry: geometry, output: output.pointer)
        assertEqualFloats(output.values, [1, 2, 3, 4])
        // 1×2×8 (two pixels, C = 2) → 2×4×2.
        let wide = try DepthToSpace.Geometry(inputHeight: 1, inputWidth: 2, inputChannels: 8, blockSize: 2)
        let expected = GuardedBuffer(count: 16)
        DepthToSpace.reference(input: (0..<16).map(Float.init), geometry: wide, output: expected.pointer)
        assertEqualFloats(expected.values, [0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 12, 13, 14, 15])
    }

    func testDepthToSpaceFastPathMatchesReferenceOnRandomShapes() throws {
        var random = TestRandom(seed: 78)
        for _ in 0..<100 {
            let block = random.int(1...4)
            let geometry = try DepthToSpace.Geometry(inputHeight: random.int(1...6), inputWidth: random.int(1...6),
                                                     inputChannels: block * block * random.int(1...5), blockSize: block)
            let input = random.floats(geometry.elementCount)
            let reference = GuardedBuffer(count: geometry.elementCount)
            DepthToSpace.reference(input: input, geometry: geometry, output: reference.pointer)
            let expected = reference.values
            let output = GuardedBuffer(count: geometry.elementCount)
            DepthToSpace.run(input: input, geometry: geometry, output: output.pointer)
            assertEqualFloats(output.values, expected, "\(geometry)")
            XCTAssertTrue(output.guardsIntact)
        }
    }

    func testErrors() {
        assertThrowsKernelError("zero size") {
            _ = try ResizeBilinear.Geometry(inputHeight: 0, inputWidth: 2, channels: 1, outputHeight: 1, outputWidth: 1,
                                            alignCorners: false, halfPixelCenters: true)
        }
        assertThrowsKernelError("both coordinate modes") {
            _ = try ResizeBilinear.Geometry(inputHeight: 2, inputWidth: 2, channels: 1, outputHeight: 4, outputWidth: 4,
                                            alignCorners: true, halfPixelCenters: true)
        }
        assertThrowsKernelError("channels not a multiple of block²") {
            _ = try DepthToSpace.Geometry(inputHeight: 2, inputWidth: 2, inputChannels: 6, blockSize: 2)
        }
        assertThrowsKernelError("block 0") {
            _ = try DepthToSpace.Geometry(inputHeight: 2, inputWidth: 2, inputChannels: 4, blockSize: 0)
        }
        assertThrowsKernelError("overflowing block") {
            _ = try DepthToSpace.Geometry(inputHeight: 1, inputWidth: 1, inputChannels: 4, blockSize: Int.max / 2)
        }
    }
}
