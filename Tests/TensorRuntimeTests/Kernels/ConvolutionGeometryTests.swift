import XCTest
@testable import TensorRuntime

/// TensorFlow output-size and padding rules, checked against hand-computed values (models.md §3).
final class ConvolutionGeometryTests: XCTestCase {
    private func geometry(_ size: Int, kernel: Int, stride: Int, _ padding: PaddingMode) throws -> ConvolutionGeometry {
        try ConvolutionGeometry(inputHeight: size, inputWidth: size, inputChannels: 1, outputChannels: 1,
                                kernelHeight: kernel, kernelWidth: kernel, strideHeight: stride, strideWidth: stride,
                                padding: padding)
    }

    func testSameStride2OnEvenInputPadsNothingBeforeOneAfter() throws {
        // out = ceil(4/2) = 2, total = (2-1)*2 + 3 - 4 = 1 -> 0 before, 1 after.
        let g = try geometry(4, kernel: 3, stride: 2, .same)
        XCTAssertEqual([g.outputHeight, g.outputWidth, g.padTop, g.padLeft], [2, 2, 0, 0])
        let stem = try geometry(192, kernel: 3, stride: 2, .same)
        XCTAssertEqual([stem.outputHeight, stem.padTop, stem.padLeft], [96, 0, 0])
    }

    func testDetectorStemPadsOneBeforeTwoAfter() throws {
        // 128, 5x5 s2: out = 64, total = 63*2 + 5 - 128 = 3 -> 1 before, 2 after.
        let g = try geometry(128, kernel: 5, stride: 2, .same)
        XCTAssertEqual([g.outputHeight, g.outputWidth, g.padTop, g.padLeft], [64, 64, 1, 1])
    }

    func testSameStride1AndOddSizes() throws {
        let g = try geometry(7, kernel: 3, stride: 1, .same)
        XCTAssertEqual([g.outputHeight, g.padTop], [7, 1])
        // 5, 3x3 s2: out = 3, total = 2*2 + 3 - 5 = 2 -> 1 before.
        let odd = try geometry(5, kernel: 3, stride: 2, .same)
        XCTAssertEqual([odd.outputHeight, odd.padTop], [3, 1])
        // 2x2 s1 SAME: total 1 -> 0 before, 1 after.
        let even = try geometry(6, kernel: 2, stride: 1, .same)
        XCTAssertEqual([even.outputHeight, even.padTop], [6, 0])
        // Stride larger than the kernel: 1x1 s3 on 7 -> out 3, no padding.
        let sparse = try geometry(7, kernel: 1, stride: 3, .same)
        XCTAssertEqual([sparse.outputHeight, sparse.padTop], [3, 0])
    }

    func testValidSizes() throws {
        XCTAssertEqual(try geometry(3, kernel: 3, stride: 3, .valid).outputHeight, 1)
        XCTAssertEqual(try geometry(2, kernel: 2, stride: 1, .valid).outputHeight, 1)
        XCTAssertEqual(try geometry(16, kernel: 2, stride: 2, .valid).outputHeight, 8)
        XCTAssertEqual(try geometry(7, kernel: 2, stride: 2, .valid).outputHeight, 3)
        XCTAssertEqual(try geometry(7, kernel: 3, stride: 2, .valid).padTop, 0)
    }

    func testAsymmetricAxes() throws {
        let g = try ConvolutionGeometry(inputHeight: 5, inputWidth: 8, inputChannels: 2, outputChannels: 3,
                                        kernelHeight: 3, kernelWidth: 1, strideHeight: 2, strideWidth: 3,
                                        padding: .same)
        XCTAssertEqual([g.outputHeight, g.outputWidth, g.padTop, g.padLeft], [3, 3, 1, 0])
        XCTAssertEqual(g.inputElementCount, 80)
        XCTAssertEqual(g.outputElementCount, 27)
    }

    func testInvalidGeometriesThrow() {
        assertThrowsKernelError("zero size") { _ = try self.geometry(0, kernel: 1, stride: 1, .same) }
        assertThrowsKernelError("zero kernel") { _ = try self.geometry(4, kernel: 0, stride: 1, .same) }
        assertThrowsKernelError("zero stride") { _ = try self.geometry(4, kernel: 3, stride: 0, .same) }
        assertThrowsKernelError("negative stride") { _ = try self.geometry(4, kernel: 3, stride: -1, .valid) }
        assertThrowsKernelError("VALID kernel larger than input") { _ = try self.geometry(2, kernel: 3, stride: 1, .valid) }
        assertThrowsKernelError("zero channels") {
            _ = try ConvolutionGeometry(inputHeight: 4, inputWidth: 4, inputChannels: 0, outputChannels: 1,
                                        kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1,
                                        padding: .same)
        }
        assertThrowsKernelError("huge sizes") {
            _ = try ConvolutionGeometry(inputHeight: 1 << 20, inputWidth: 1 << 20, inputChannels: 1 << 20,
                                        outputChannels: 1, kernelHeight: 1, kernelWidth: 1, strideHeight: 1,
                                        strideWidth: 1, padding: .same)
        }
    }

    func testExplicitGeometryValidation() throws {
        let g = try ConvolutionGeometry(inputHeight: 4, inputWidth: 4, inputChannels: 1, outputHeight: 2,
                                        outputWidth: 2, outputChannels: 1, kernelHeight: 3, kernelWidth: 3,
                                        strideHeight: 2, strideWidth: 2, padTop: 1, padLeft: 1)
        XCTAssertEqual(g.padTop, 1)
        assertThrowsKernelError("padding as large as the kernel") {
            _ = try ConvolutionGeometry(inputHeight: 4, inputWidth: 4, inputChannels: 1, outputHeight: 2,
                                        outputWidth: 2, outputChannels: 1, kernelHeight: 3, kernelWidth: 3,
                                        strideHeight: 2, strideWidth: 2, padTop: 3, padLeft: 0)
        }
        assertThrowsKernelError("windows past the input") {
            _ = try ConvolutionGeometry(inputHeight: 4, inputWidth: 4, inputChannels: 1, outputHeight: 4,
                                        outputWidth: 2, outputChannels: 1, kernelHeight: 3, kernelWidth: 3,
                                        strideHeight: 2, strideWidth: 2, padTop: 0, padLeft: 0)
        }
        var edited = g
        edited.strideWidth = 0
        XCTAssertThrowsError(try edited.validate())
    }

    func testErrorDescriptionsNameTheProblem() {
        XCTAssertEqual(PlanError.invalidGeometry("x").description, "invalid geometry: x")
        XCTAssertEqual(PlanError.sizeMismatch("y").description, "shape mismatch: y")
        XCTAssertEqual(PlanError.invalidArgument("z").description, "invalid argument: z")
        XCTAssertEqual(PlanError.unsupported("w").description, "unsupported: w")
    }
}
