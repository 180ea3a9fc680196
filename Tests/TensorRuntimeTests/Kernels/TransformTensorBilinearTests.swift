import XCTest
@testable import TensorRuntime

final class TransformTensorBilinearTests: XCTestCase {
    private enum Path { case fast, reference }

    private func run(_ path: Path, input: [Float], height: Int, width: Int, channels: Int, matrix: [Float],
                     outputHeight: Int, outputWidth: Int) throws -> [Float] {
        var output = [Float](repeating: .nan, count: outputHeight * outputWidth * channels)
        try output.withUnsafeMutableBufferPointer { out in
            switch path {
            case .fast:
                try TransformTensorBilinear.run(
                    input: input, height: height, width: width, channels: channels, matrix: matrix,
                    outputHeight: outputHeight, outputWidth: outputWidth, output: out.baseAddress!)
            case .reference:
                try TransformTensorBilinear.reference(
                    input: input, height: height, width: width, channels: channels, matrix: matrix,
                    outputHeight: outputHeight, outputWidth: outputWidth, output: out.baseAddress!)
            }
        }
        return output
    }

    /// Fast (SIMD) and scalar paths agree bit for bit, and both match an independent double-precision sampler,
    /// over random maps, random crop matrices (rotations, scales, shifts, partly outside) and channel counts that
    /// exercise every SIMD width and tail.
    func testFastMatchesReferenceOnRandomCrops() throws {
        var random = SpatialTestRandom(seed: 0x5EED_0001)
        var zeroPixels = 0, sampledPixels = 0
        for channels in [1, 3, 4, 8, 13, 32, 33] {
            for _ in 0..<6 {
                let height = random.integer(in: 4...20), width = random.integer(in: 4...20)
                let outputHeight = random.integer(in: 2...12), outputWidth = random.integer(in: 2...12)
                let input = random.floats(height * width * channels)
                let matrix = SpatialTestMatrices.randomCrop(&random, height: height, width: width,
                                                             outputHeight: outputHeight, outputWidth: outputWidth)
                let fast = try run(.fast, input: input, height: height, width: width, channels: channels,
                                   matrix: matrix, outputHeight: outputHeight, outputWidth: outputWidth)
                let reference = try run(.reference, input: input, height: height, width: width, channels: channels,
                                        matrix: matrix, outputHeight: outputHeight, outputWidth: outputWidth)
                XCTAssertEqual(fast.map(\.bitPattern), reference.map(\.bitPattern), "channels \(channels)")

                let sampler = SpatialTestDoubleSampler(height: height, width: width, channels: channels,
                                                       outputHeight: outputHeight, outputWidth: outputWidth)
                let truth = sampler.forward(input: input.map(Double.init),
                                            parameters: SpatialTestDoubleSampler.parameters(of: matrix))
                for (index, value) in truth.enumerated() {
                    XCTAssertEqual(Double(reference[index]), value, accuracy: 1e-5, "channels \(channels) @\(index)")
                }
                for pixel in 0..<(outputHeight * outputWidth) {
                    let values = reference[(pixel * channels)..<((pixel + 1) * channels)]
                    if values.allSatisfy({ $0 == 0 }) { zeroPixels += 1 } else { sampledPixels += 1 }
                }
            }
        }
        XCTAssertGreaterThan(zeroPixels, 100, "the random crops should include samples outside the map")
        XCTAssertGreaterThan(sampledPixels, 100)
    }

    /// The identity matrix plus an integer translation copies input pixels: output (u, v) = F(v + dy, u + dx),
    /// with whole pixels 0 where that lies outside. Samples land exactly on the last column and row (x = W−1,
    /// y = H−1), where the missing right/lower neighbours must read 0 with weight 0.
    func testIntegerShiftReproducesInputPixels() throws {
        var random = SpatialTestRandom(seed: 0x5EED_0002)
        let height = 5, width = 7
        for channels in [1, 3, 32, 33] {
            let input = random.floats(height * width * channels)
            for (dx, dy) in [(3, 2), (4, 2), (-2, -1), (0, 0), (1, 3)] {
                let outputHeight = 3, outputWidth = 4
                let matrix = SpatialTestMatrices.affine(1, 0, Float(dx), 0, 1, Float(dy))
                for path in [Path.fast, .reference] {
                    let output = try run(path, input: input, height: height, width: width, channels: channels,
                                         matrix: matrix, outputHeight: outputHeight, outputWidth: outputWidth)
                    for v in 0..<outputHeight {
                        for u in 0..<outputWidth {
                            let row = v + dy, column = u + dx
                            let inside = (0..<height).contains(row) && (0..<width).contains(column)
                            for channel in 0..<channels {
                                let expected = inside ? input[(row * width + column) * channels + channel] : 0
                                XCTAssertEqual(output[(v * outputWidth + u) * channels + channel], expected,
                                               "\(path) shift (\(dx), \(dy)) pixel (\(u), \(v)) channel \(channel)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// A 2× scale (T00 = T11 = 2, no translation) samples x = 2u + ½, y = 2v + ½: the centre of each 2×2 block,
    /// so the output is the 2×2 average of the input.
    func testTwofoldScaleSamplesBlockCentres() throws {
        var random = SpatialTestRandom(seed: 0x5EED_0003)
        let height = 8, width = 10, channels = 33
        let input = random.floats(height * width * channels)
        let matrix = SpatialTestMatrices.affine(2, 0, 0, 0, 2, 0)
        for path in [Path.fast, .reference] {
            let output = try run(path, input: input, height: height, width: width, channels: channels,
                                 matrix: matrix, outputHeight: 4, outputWidth: 5)
            for v in 0..<4 {
                for u in 0..<5 {
                    for channel in 0..<channels {
                        func f(_ row: Int, _ column: Int) -> Float { input[(row * width + column) * channels + channel] }
                        let expected = (f(2 * v, 2 * u) + f(2 * v, 2 * u + 1) + f(2 * v + 1, 2 * u)
                            + f(2 * v + 1, 2 * u + 1)) / 4
                        XCTAssertEqual(output[(v * 5 + u) * channels + channel], expected, accuracy: 1e-6)
                    }
                }
            }
        }
    }

    /// Hand-computed samples on a 2×3 map F(r, c) = c + 3r: T = identity + (0.25, 0.5) samples (0.25, 0.5) and
    /// (1.25, 0.5); a ½ scale with translation ¼ samples x = u/2, y = v/2 (pixels and edge midpoints).
    func testHandComputedSamples() throws {
        let input: [Float] = [0, 1, 2,
                              3, 4, 5]
        let shifted = try run(.reference, input: input, height: 2, width: 3, channels: 1,
                              matrix: SpatialTestMatrices.affine(1, 0, 0.25, 0, 1, 0.5), outputHeight: 1, outputWidth: 3)
        // (0.25, 0.5): ½·(¾·0 + ¼·1) + ½·(¾·3 + ¼·4) = 1.75; (1.25, 0.5): 2.75; (2.25, 0.5) is outside: 0.
        XCTAssertEqual(shifted, [1.75, 2.75, 0])
        for path in [Path.fast, .reference] {
            let half = try run(path, input: input, height: 2, width: 3, channels: 1,
                               matrix: SpatialTestMatrices.affine(0.5, 0, 0.25, 0, 0.5, 0.25),
                               outputHeight: 3, outputWidth: 5)
            // x = u/2 ∈ {0, .5, 1, 1.5, 2}, y = v/2 ∈ {0, .5, 1}: F = x + 3y.
            XCTAssertEqual(half, [0, 0.5, 1, 1.5, 2,
                                  1.5, 2, 2.5, 3, 3.5,
                                  3, 3.5, 4, 4.5, 5], "\(path)")
        }
    }

    /// Bilinear interpolation reproduces an affine field exactly: with F_k(r, c) = α_k·c + β_k·r + γ_k, output
    /// pixel (u, v) must equal α_k·x + β_k·y + γ_k at (x, y) = A·(u + ½, v + ½) + t − ½ from models.md §5.3, or 0
    /// outside [0, W−1] × [0, H−1]. Checks the half-pixel convention under rotation and anisotropic scale.
    func testAffineFieldIsReproducedAtHalfPixelCoordinates() throws {
        var random = SpatialTestRandom(seed: 0x5EED_0004)
        let height = 12, width = 15, channels = 3
        let slopes: [(Double, Double, Double)] = [(1, 0, 0), (0, 1, 0), (0.7, -1.3, 2.5)]
        var input = [Float](repeating: 0, count: height * width * channels)
        for row in 0..<height {
            for column in 0..<width {
                for (channel, (alpha, beta, gamma)) in slopes.enumerated() {
                    input[(row * width + column) * channels + channel] =
                        Float(alpha * Double(column) + beta * Double(row) + gamma)
                }
            }
        }
        var inside = 0
        for _ in 0..<8 {
            let matrix = SpatialTestMatrices.randomCrop(&random, height: height, width: width,
                                                         outputHeight: 9, outputWidth: 10)
            let output = try run(.fast, input: input, height: height, width: width, channels: channels,
                                 matrix: matrix, outputHeight: 9, outputWidth: 10)
            let m = matrix.map(Double.init)
            for v in 0..<9 {
                for u in 0..<10 {
                    let x = m[0] * (Double(u) + 0.5) + m[1] * (Double(v) + 0.5) + m[3] - 0.5
                    let y = m[4] * (Double(u) + 0.5) + m[5] * (Double(v) + 0.5) + m[7] - 0.5
                    let isInside = x >= 0 && x <= Double(width - 1) && y >= 0 && y <= Double(height - 1)
                    if isInside { inside += 1 }
                    for (channel, (alpha, beta, gamma)) in slopes.enumerated() {
                        let expected = isInside ? alpha * x + beta * y + gamma : 0
                        XCTAssertEqual(Double(output[(v * 10 + u) * channels + channel]), expected, accuracy: 1e-4)
                    }
                }
            }
        }
        XCTAssertGreaterThan(inside, 100)
    }

    /// Rows 2–3 and column 2 of the matrix are not part of the map: changing them changes nothing.
    func testUnusedMatrixEntriesAreIgnored() throws {
        var random = SpatialTestRandom(seed: 0x5EED_0005)
        let input = random.floats(6 * 6 * 4)
        let matrix = SpatialTestMatrices.randomCrop(&random, height: 6, width: 6, outputHeight: 4, outputWidth: 4)
        var altered = matrix
        for index in [2, 6, 8, 9, 10, 11, 12, 13, 14, 15] { altered[index] = random.uniformFloat(-9, 9) }
        XCTAssertEqual(try run(.fast, input: input, height: 6, width: 6, channels: 4, matrix: matrix,
                               outputHeight: 4, outputWidth: 4),
                       try run(.fast, input: input, height: 6, width: 6, channels: 4, matrix: altered,
                               outputHeight: 4, outputWidth: 4))
    }

    /// Non-positive sizes and non-finite used matrix entries throw a typed error and leave the output untouched.
    func testInvalidArgumentsThrow() {
        let input = [Float](repeating: 1, count: 4 * 4 * 2)
        let identity = SpatialTestMatrices.affine(1, 0, 0, 0, 1, 0)
        var output = [Float](repeating: 42, count: 4 * 4 * 2)
        func attempt(height: Int = 4, width: Int = 4, channels: Int = 2, matrix: [Float] = identity,
                     outputHeight: Int = 4, outputWidth: Int = 4) -> PlanError? {
            do {
                try output.withUnsafeMutableBufferPointer { out in
                    try TransformTensorBilinear.run(
                        input: input, height: height, width: width, channels: channels, matrix: matrix,
                        outputHeight: outputHeight, outputWidth: outputWidth, output: out.baseAddress!)
                }
                return nil
            } catch {
                return error as? PlanError
            }
        }
        XCTAssertEqual(attempt(height: 0), .nonPositiveSize(name: "height", value: 0))
        XCTAssertEqual(attempt(width: -3), .nonPositiveSize(name: "width", value: -3))
        XCTAssertEqual(attempt(channels: 0), .nonPositiveSize(name: "channels", value: 0))
        XCTAssertEqual(attempt(outputHeight: 0), .nonPositiveSize(name: "outputHeight", value: 0))
        XCTAssertEqual(attempt(outputWidth: -1), .nonPositiveSize(name: "outputWidth", value: -1))
        XCTAssertEqual(attempt(height: Int.max / 2, width: 4), .sizeOverflow(name: "input"))
        var bad = identity
        bad[3] = .nan
        XCTAssertEqual(attempt(matrix: bad), .nonFinite(name: "matrix entry T03"))
        bad = identity
        bad[4] = .infinity
        XCTAssertEqual(attempt(matrix: bad), .nonFinite(name: "matrix entry T10"))
        XCTAssertTrue(output.allSatisfy { $0 == 42 }, "a rejected call must not write")
        // NaN in an unused entry is ignored, so the call succeeds.
        bad = identity
        bad[2] = .nan
        XCTAssertNil(attempt(matrix: bad))
        XCTAssertEqual(output, input)
    }
}
