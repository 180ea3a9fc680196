import XCTest
@testable import TensorRuntime

/// `TransformTensorBilinear.backward` against central finite differences of an independent double-precision
/// sampler (`SpatialTestDoubleSampler`), for the input and the six affine parameters. The matrices are chosen so
/// that no sample lies within 1e-3 of an integer coordinate (a cell change or the map border); the steps are small
/// enough that no sample crosses one, so the loss is exactly linear in each perturbed parameter and the central
/// difference has no truncation error.
final class TransformTensorBilinearBackwardTests: XCTestCase {
    private struct Shape {
        let height: Int, width: Int, channels: Int, outputHeight: Int, outputWidth: Int
        var sampler: SpatialTestDoubleSampler {
            SpatialTestDoubleSampler(height: height, width: width, channels: channels,
                                     outputHeight: outputHeight, outputWidth: outputWidth)
        }
    }

    private struct Gradients {
        var input: [Float]
        var matrix: [Float]
    }

    private func backward(_ shape: Shape, input: [Float], matrix: [Float], outputGradient: [Float]) throws -> Gradients {
        // Pre-fill with garbage: backward must overwrite, not accumulate.
        var gradients = Gradients(input: [Float](repeating: 7, count: input.count),
                                  matrix: [Float](repeating: 7, count: 6))
        try gradients.input.withUnsafeMutableBufferPointer { inputGradient in
            try gradients.matrix.withUnsafeMutableBufferPointer { matrixGradient in
                try TransformTensorBilinear.backward(
                    input: input, height: shape.height, width: shape.width, channels: shape.channels,
                    matrix: matrix, outputHeight: shape.outputHeight, outputWidth: shape.outputWidth,
                    outputGradient: outputGradient, inputGradient: inputGradient.baseAddress!,
                    matrixGradient: matrixGradient.baseAddress!)
            }
        }
        return gradients
    }

    /// L = Σ g · forward(input; p), in double precision.
    private func loss(_ sampler: SpatialTestDoubleSampler, input: [Double], parameters: [Double],
                      outputGradient: [Double]) -> Double {
        zip(sampler.forward(input: input, parameters: parameters), outputGradient).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// A random crop matrix whose samples all keep `minimumMargin` away from integer coordinates and of which at
    /// least a third land inside the map.
    private func smoothMatrix(_ random: inout SpatialTestRandom, _ shape: Shape, minimumMargin: Double = 1e-3,
                              make: (inout SpatialTestRandom) -> [Float]) -> (matrix: [Float], margin: Double) {
        let sampler = shape.sampler
        for _ in 0..<1000 {
            let matrix = make(&random)
            let parameters = SpatialTestDoubleSampler.parameters(of: matrix)
            let margin = sampler.kinkMargin(parameters)
            var inside = 0
            for v in 0..<shape.outputHeight {
                for u in 0..<shape.outputWidth {
                    let (x, y) = sampler.coordinate(parameters, u: u, v: v)
                    if x > 0, x < Double(shape.width - 1), y > 0, y < Double(shape.height - 1) { inside += 1 }
                }
            }
            if margin >= minimumMargin && 3 * inside >= shape.outputHeight * shape.outputWidth {
                return (matrix, margin)
            }
        }
        XCTFail("no smooth matrix found")
        return (SpatialTestMatrices.affine(1, 0, 0, 0, 1, 0), 0)
    }

    /// Asserts |analytic − numeric| ≤ 1e-3 · max(|numeric|, 1e-2 · max_k |numeric_k|) for every entry; returns the
    /// largest relative error seen.
    @discardableResult
    private func assertClose(_ analytic: [Float], _ numeric: [Double], indices: [Int], _ label: String) -> Double {
        let scale = indices.map { abs(numeric[$0]) }.max() ?? 0
        XCTAssertGreaterThan(scale, 0, "\(label): all gradients are zero, nothing is checked")
        var worst = 0.0
        for index in indices {
            let denominator = max(abs(numeric[index]), 1e-2 * scale)
            let error = abs(Double(analytic[index]) - numeric[index]) / denominator
            worst = max(worst, error)
            XCTAssertLessThanOrEqual(error, 1e-3,
                                     "\(label)[\(index)]: analytic \(analytic[index]) vs numeric \(numeric[index])")
        }
        return worst
    }

    private func checkAgainstFiniteDifferences(_ shape: Shape, seed: UInt64, inputIndices: ((Gradients) -> [Int])?,
                                               make: (inout SpatialTestRandom) -> [Float]) throws {
        var random = SpatialTestRandom(seed: seed)
        let sampler = shape.sampler
        let input = random.floats(shape.height * shape.width * shape.channels)
        let outputGradient = random.floats(shape.outputHeight * shape.outputWidth * shape.channels)
        let (matrix, margin) = smoothMatrix(&random, shape, make: make)
        let gradients = try backward(shape, input: input, matrix: matrix, outputGradient: outputGradient)

        let inputDouble = input.map(Double.init), gradientDouble = outputGradient.map(Double.init)
        let parameters = SpatialTestDoubleSampler.parameters(of: matrix)

        // Six affine parameters. Step so that no coordinate moves by more than a quarter of the margin:
        // |∂x/∂T00| ≤ outputWidth − ½, |∂x/∂T01| ≤ outputHeight − ½, |∂x/∂T03| = 1 (same for y).
        let reach = [Double(shape.outputWidth) - 0.5, Double(shape.outputHeight) - 0.5, 1]
        var numericMatrix = [Double](repeating: 0, count: 6)
        for k in 0..<6 {
            let step = 0.25 * margin / reach[k % 3]
            var plus = parameters, minus = parameters
            plus[k] += step
            minus[k] -= step
            numericMatrix[k] = (loss(sampler, input: inputDouble, parameters: plus, outputGradient: gradientDouble)
                - loss(sampler, input: inputDouble, parameters: minus, outputGradient: gradientDouble)) / (2 * step)
        }
        let matrixError = assertClose(gradients.matrix, numericMatrix, indices: Array(0..<6), "matrix")

        // Input entries: the loss is linear in the input, so any step is exact.
        let indices = inputIndices?(gradients) ?? Array(0..<input.count)
        var numericInput = [Double](repeating: 0, count: input.count)
        for index in indices {
            var plus = inputDouble, minus = inputDouble
            plus[index] += 0.5
            minus[index] -= 0.5
            numericInput[index] = loss(sampler, input: plus, parameters: parameters, outputGradient: gradientDouble)
                - loss(sampler, input: minus, parameters: parameters, outputGradient: gradientDouble)
        }
        let inputError = assertClose(gradients.input, numericInput, indices: indices, "input")
        print("spatial backward \(shape): margin \(margin), worst relative error matrix \(matrixError), input \(inputError)")
    }

    /// Small maps, every input entry checked, several channel counts and random crops (rotation, scale, shift).
    func testGradientsMatchFiniteDifferencesOnSmallMaps() throws {
        var seed: UInt64 = 0x5EED_0100
        for channels in [1, 3, 5] {
            for _ in 0..<3 {
                seed += 1
                let shape = Shape(height: 9, width: 11, channels: channels, outputHeight: 6, outputWidth: 7)
                try checkAgainstFiniteDifferences(shape, seed: seed, inputIndices: nil) { random in
                    SpatialTestMatrices.randomCrop(&random, height: 9, width: 11, outputHeight: 6, outputWidth: 7)
                }
            }
        }
    }

    /// The Attention Mesh's shape (48×48×32 map, 16×16 crops) with crops like its eye and lips crops; all six
    /// matrix parameters and 100 input entries (half of them inside the sampled region) checked.
    func testGradientsMatchFiniteDifferencesAtModelSize() throws {
        let shape = Shape(height: 48, width: 48, channels: 32, outputHeight: 16, outputWidth: 16)
        for seed: UInt64 in [0x5EED_0200, 0x5EED_0201] {
            try checkAgainstFiniteDifferences(shape, seed: seed, inputIndices: { gradients in
                var random = SpatialTestRandom(seed: seed ^ 0xFFFF)
                let touched = gradients.input.indices.filter { gradients.input[$0] != 0 }
                return (0..<50).map { _ in random.integer(in: 0...(gradients.input.count - 1)) }
                    + (0..<50).map { _ in touched[random.integer(in: 0...(touched.count - 1))] }
            }) { random in
                SpatialTestMatrices.crop(centreX: random.uniform(15, 33), centreY: random.uniform(15, 33),
                                         angle: random.uniform(-.pi, .pi), scaleX: random.uniform(0.7, 1.9),
                                         scaleY: random.uniform(0.7, 1.9), outputWidth: 16, outputHeight: 16)
            }
        }
    }

    /// θ gradient near cell borders and on the last row and column: unit-scale maps whose samples sit 0.004 right
    /// of (below) every integer, 0.004 left of (above) every integer up to the last column and row (W − 1, H − 1),
    /// a slightly rotated one, and shifted ones with some samples outside the map (left, right, above, below).
    func testThetaGradientAtCellBordersLastRowColumnAndOutside() throws {
        let shape = Shape(height: 6, width: 7, channels: 2, outputHeight: 5, outputWidth: 6)
        let delta: Float = 0.004
        let matrices: [(String, [Float])] = [
            ("just past every border", SpatialTestMatrices.affine(1, 0, delta, 0, 1, delta)),
            ("just before every border, up to W−1 and H−1", SpatialTestMatrices.affine(1, 0, 1 - delta, 0, 1, 1 - delta)),
            ("slightly rotated", SpatialTestMatrices.affine(1, 0.013, 0.3, -0.011, 1, 0.6)),
            ("partly right of the map", SpatialTestMatrices.affine(1, 0, 2 + delta, 0, 1, delta)),
            ("partly left of the map", SpatialTestMatrices.affine(1, 0, -2 + delta, 0, 1, 1 - delta)),
            ("partly below the map", SpatialTestMatrices.affine(1, 0, delta, 0, 1, 2 + delta)),
            ("partly above the map", SpatialTestMatrices.affine(1, 0, 1 - delta, 0, 1, -1 - delta)),
        ]
        for (index, (label, matrix)) in matrices.enumerated() {
            let sampler = shape.sampler
            let parameters = SpatialTestDoubleSampler.parameters(of: matrix)
            var outside = 0, lastColumnOrRow = 0
            for v in 0..<shape.outputHeight {
                for u in 0..<shape.outputWidth {
                    let (x, y) = sampler.coordinate(parameters, u: u, v: v)
                    if x < 0 || x > Double(shape.width - 1) || y < 0 || y > Double(shape.height - 1) {
                        outside += 1
                    } else if x > Double(shape.width - 2) || y > Double(shape.height - 2) {
                        lastColumnOrRow += 1
                    }
                }
            }
            XCTAssertGreaterThan(lastColumnOrRow + outside, 0, label)
            if label.hasPrefix("partly") { XCTAssertGreaterThan(outside, 0, label) }
            try checkAgainstFiniteDifferences(shape, seed: 0x5EED_0500 + UInt64(index), inputIndices: nil) { _ in matrix }
        }
    }

    /// A sample exactly on a kink (an integer coordinate): the θ gradient is the one-sided derivative from the
    /// right (x) and from below (y), as documented on `backward`, and differs from the derivative on the other side.
    /// On the last column exactly, the right neighbours count as 0.
    func testOneSidedGradientExactlyOnAKink() throws {
        var random = SpatialTestRandom(seed: 0x5EED_0600)
        let shape = Shape(height: 4, width: 5, channels: 1, outputHeight: 1, outputWidth: 1)
        let sampler = shape.sampler
        let input = random.floats(shape.height * shape.width)
        let inputDouble = input.map(Double.init)
        func loss(_ parameters: [Double]) -> Double {
            sampler.forward(input: inputDouble, parameters: parameters)[0]
        }
        func value(_ row: Int, _ column: Int) -> Double { inputDouble[row * shape.width + column] }
        // One output pixel samples x = T03, y = T13 (unit scale: x = 1·(0 + ½) + T03 − ½).
        let step = 1e-3
        for (x, y) in [(2.0, 1.25), (2.5, 1.0), (2.0, 2.0)] {
            let matrix = SpatialTestMatrices.affine(1, 0, Float(x), 0, 1, Float(y))
            let gradients = try backward(shape, input: input, matrix: matrix, outputGradient: [1])
            let parameters = SpatialTestDoubleSampler.parameters(of: matrix)
            for (axis, index, isKink) in [(0, 2, x == x.rounded()), (1, 5, y == y.rounded())] {
                var plus = parameters, minus = parameters
                plus[index] += step
                minus[index] -= step
                let fromRight = (loss(plus) - loss(parameters)) / step
                let fromLeft = (loss(parameters) - loss(minus)) / step
                // Within one cell the loss is linear in T03 (T13), so both differences are exact up to rounding.
                XCTAssertEqual(Double(gradients.matrix[axis == 0 ? 2 : 5]), fromRight, accuracy: 1e-5,
                               "x \(x), y \(y), axis \(axis): the gradient is the derivative from the right/below")
                if isKink {
                    XCTAssertGreaterThan(abs(fromRight - fromLeft), 1e-2, "x \(x), y \(y): the two sides differ")
                }
            }
        }
        // Last column exactly (x = W − 1 = 4, y = 1.25): the right neighbours count as 0.
        let matrix = SpatialTestMatrices.affine(1, 0, 4, 0, 1, 1.25)
        let gradients = try backward(shape, input: input, matrix: matrix, outputGradient: [1])
        let expected = -(0.75 * value(1, 4) + 0.25 * value(2, 4))
        XCTAssertEqual(Double(gradients.matrix[2]), expected, accuracy: 1e-6)
        // Its y derivative is the ordinary one inside the last column (from row 1 to row 2).
        XCTAssertEqual(Double(gradients.matrix[5]), value(2, 4) - value(1, 4), accuracy: 1e-6)
    }

    /// The output is linear in the input, so ⟨g, forward(F)⟩ = ⟨∂L/∂F, F⟩ for any matrix, including ones whose
    /// samples sit exactly on integer coordinates and on the last row and column.
    func testInputGradientIsTheAdjointOfForward() throws {
        var random = SpatialTestRandom(seed: 0x5EED_0300)
        let height = 7, width = 9, outputHeight = 5, outputWidth = 6
        let matrices = [SpatialTestMatrices.affine(1, 0, 3, 0, 1, 2),        // last column and row exactly
                        SpatialTestMatrices.affine(2, 0, 0, 0, 2, 0),        // block centres
                        SpatialTestMatrices.affine(0.5, 0, 0.25, 0, 0.5, 0.25)]  // integers and midpoints
            + (0..<4).map { _ in
                SpatialTestMatrices.randomCrop(&random, height: height, width: width,
                                               outputHeight: outputHeight, outputWidth: outputWidth)
            }
        for channels in [1, 3, 32, 33] {
            let shape = Shape(height: height, width: width, channels: channels,
                              outputHeight: outputHeight, outputWidth: outputWidth)
            for matrix in matrices {
                let input = random.floats(height * width * channels)
                let outputGradient = random.floats(outputHeight * outputWidth * channels)
                var output = [Float](repeating: 0, count: outputGradient.count)
                try output.withUnsafeMutableBufferPointer { out in
                    try TransformTensorBilinear.run(
                        input: input, height: height, width: width, channels: channels, matrix: matrix,
                        outputHeight: outputHeight, outputWidth: outputWidth, output: out.baseAddress!)
                }
                let gradients = try backward(shape, input: input, matrix: matrix, outputGradient: outputGradient)
                let forwardSide = zip(outputGradient, output).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                let adjointSide = zip(gradients.input, input).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                XCTAssertEqual(forwardSide, adjointSide, accuracy: 1e-5 * (1 + abs(forwardSide)),
                               "channels \(channels) matrix \(matrix)")
            }
        }
    }

    /// A crop entirely outside the map produces zero output, so every gradient is zero (garbage overwritten).
    func testCropOutsideTheMapHasZeroGradients() throws {
        var random = SpatialTestRandom(seed: 0x5EED_0400)
        let shape = Shape(height: 6, width: 6, channels: 3, outputHeight: 4, outputWidth: 4)
        let gradients = try backward(shape, input: random.floats(6 * 6 * 3),
                                     matrix: SpatialTestMatrices.affine(1, 0, 40, 0, 1, 0),
                                     outputGradient: random.floats(4 * 4 * 3))
        XCTAssertTrue(gradients.input.allSatisfy { $0 == 0 })
        XCTAssertEqual(gradients.matrix, [0, 0, 0, 0, 0, 0])
    }

    /// Invalid sizes and non-finite matrix entries throw, as in the forward pass.
    func testInvalidArgumentsThrow() {
        let shape = Shape(height: 4, width: 4, channels: 0, outputHeight: 2, outputWidth: 2)
        XCTAssertThrowsError(try backward(shape, input: [Float](repeating: 0, count: 16),
                                          matrix: SpatialTestMatrices.affine(1, 0, 0, 0, 1, 0),
                                          outputGradient: [0, 0, 0, 0])) { error in
            XCTAssertEqual(error as? PlanError, .nonPositiveSize(name: "channels", value: 0))
        }
        let valid = Shape(height: 4, width: 4, channels: 1, outputHeight: 2, outputWidth: 2)
        XCTAssertThrowsError(try backward(valid, input: [Float](repeating: 0, count: 16),
                                          matrix: SpatialTestMatrices.affine(1, .nan, 0, 0, 1, 0),
                                          outputGradient: [0, 0, 0, 0])) { error in
            XCTAssertEqual(error as? PlanError, .nonFinite(name: "matrix entry T01"))
        }
    }
}
