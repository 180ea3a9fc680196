import Foundation
import XCTest
@testable import TensorRuntime

/// `Landmarks2TransformMatrix` on synthetic rotated rectangles, whose matrix has the closed form of
/// docs/models.md §5.2: `T = Shift(c) · Rot(θ) · Scale(s_x, s_y) · Shift(−W/2, −H/2)`.
final class Landmarks2TransformMatrixTests: XCTestCase {
    /// A rotated rectangle: landmark 0 = midpoint of its left edge, 1 = midpoint of its right edge (so the
    /// left→right direction has angle `angle`), 2–5 its corners, then `interior` points strictly inside it, then
    /// `distractors` far-away points that are not in the subset.
    private struct Rectangle {
        let centreX: Double, centreY: Double, angle: Double, width: Double, height: Double
        var landmarks: [Double] = []   // x, y, z per point
        var subset: [Int] = []

        init(centreX: Double, centreY: Double, angle: Double, width: Double, height: Double,
             interior: Int, distractors: Int, random: inout SpatialTestRandom) {
            self.centreX = centreX; self.centreY = centreY; self.angle = angle
            self.width = width; self.height = height
            var local: [(Double, Double)] = [(-width / 2, 0), (width / 2, 0)]
            for (sx, sy) in [(-1.0, -1.0), (1, -1), (1, 1), (-1, 1)] { local.append((sx * width / 2, sy * height / 2)) }
            for _ in 0..<interior {
                local.append((random.uniform(-0.45, 0.45) * width, random.uniform(-0.45, 0.45) * height))
            }
            for (lx, ly) in local {
                landmarks += [centreX + cos(angle) * lx - sin(angle) * ly,
                              centreY + sin(angle) * lx + cos(angle) * ly, random.uniform(-50, 50)]
            }
            subset = Array(0..<local.count)
            for _ in 0..<distractors {
                landmarks += [random.uniform(-500, 500), random.uniform(600, 900), random.uniform(-50, 50)]
            }
        }

        var count: Int { landmarks.count / 3 }
    }

    /// The closed-form matrix of §5.2 in double precision.
    private func closedForm(centreX: Double, centreY: Double, theta: Double, boxWidth: Double, boxHeight: Double,
                            scaleX: Double, scaleY: Double, outputWidth: Int, outputHeight: Int) -> [Double] {
        let sx = scaleX * boxWidth / Double(outputWidth), sy = scaleY * boxHeight / Double(outputHeight)
        let c = cos(theta), s = sin(theta)
        let halfW = Double(outputWidth) / 2, halfH = Double(outputHeight) / 2
        return [sx * c, -sy * s, 0, centreX - halfW * sx * c + halfH * sy * s,
                sx * s, sy * c, 0, centreY - halfW * sx * s - halfH * sy * c,
                0, 0, 1, 0,
                0, 0, 0, 1]
    }

    private func compute(_ landmarks: [Float], count: Int, dimensions: Int,
                         _ options: Landmarks2TransformMatrixOptions) throws -> [Float] {
        var matrix = [Float](repeating: .nan, count: 16)
        try matrix.withUnsafeMutableBufferPointer { out in
            try Landmarks2TransformMatrix.run(landmarks: landmarks, count: count, dimensions: dimensions,
                                                   options: options, matrix: out.baseAddress!)
        }
        return matrix
    }

    private func assertMatrix(_ actual: [Float], _ expected: [Double], _ label: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        for index in 0..<16 {
            XCTAssertEqual(Double(actual[index]), expected[index], accuracy: 1e-4 * (1 + abs(expected[index])),
                           "\(label) entry \(index)", file: file, line: line)
        }
    }

    private func options(_ rectangle: Rectangle, width: Int = 16, height: Int = 16, scaleX: Float = 1.5,
                         scaleY: Float = 1.5, target: Float = 0, left: Int = 0, right: Int = 1) -> Landmarks2TransformMatrixOptions {
        Landmarks2TransformMatrixOptions(outputWidth: width, outputHeight: height, scaleX: scaleX, scaleY: scaleY,
                                          targetRotationRadians: target, leftRotationIndex: left,
                                          rightRotationIndex: right, subsetIndices: rectangle.subset)
    }

    /// Target rotation 0: θ = the rectangle's angle, box = its width and height, centre = its centre. Non-subset
    /// landmarks (far away) and z are ignored. Also checks the geometric meaning: the crop centre maps to the
    /// rectangle centre, the crop's top-left corner to `c + Rot(θ)·(−scaleX·w/2, −scaleY·h/2)`.
    func testRotatedRectangleGivesClosedForm() throws {
        var random = SpatialTestRandom(seed: 0x5EED_1001)
        for trial in 0..<20 {
            let rectangle = Rectangle(centreX: random.uniform(5, 43), centreY: random.uniform(5, 43),
                                      angle: random.uniform(-3.1, 3.1), width: random.uniform(2, 20),
                                      height: random.uniform(1, 12), interior: 10, distractors: 5, random: &random)
            let outputWidth = random.integer(in: 4...24), outputHeight = random.integer(in: 4...24)
            let scaleX = random.uniformFloat(0.5, 2), scaleY = random.uniformFloat(0.5, 2)
            let matrix = try compute(rectangle.landmarks.map(Float.init), count: rectangle.count, dimensions: 3,
                                     options(rectangle, width: outputWidth, height: outputHeight,
                                             scaleX: scaleX, scaleY: scaleY))
            let expected = closedForm(centreX: rectangle.centreX, centreY: rectangle.centreY, theta: rectangle.angle,
                                      boxWidth: rectangle.width, boxHeight: rectangle.height,
                                      scaleX: Double(scaleX), scaleY: Double(scaleY),
                                      outputWidth: outputWidth, outputHeight: outputHeight)
            assertMatrix(matrix, expected, "trial \(trial)")

            let m = matrix.map(Double.init)
            func map(_ u: Double, _ v: Double) -> (Double, Double) { (m[0] * u + m[1] * v + m[3], m[4] * u + m[5] * v + m[7]) }
            let centre = map(Double(outputWidth) / 2, Double(outputHeight) / 2)
            XCTAssertEqual(centre.0, rectangle.centreX, accuracy: 1e-4)
            XCTAssertEqual(centre.1, rectangle.centreY, accuracy: 1e-4)
            let corner = map(0, 0)
            let halfW = Double(scaleX) * rectangle.width / 2, halfH = Double(scaleY) * rectangle.height / 2
            let c = cos(rectangle.angle), s = sin(rectangle.angle)
            XCTAssertEqual(corner.0, rectangle.centreX - c * halfW + s * halfH, accuracy: 1e-4)
            XCTAssertEqual(corner.1, rectangle.centreY - s * halfW - c * halfH, accuracy: 1e-4)
        }
    }

    /// Components beyond x and y are ignored: the same points as [count, 2] and as [count, 3] with arbitrary z
    /// give identical matrices.
    func testDimensionsTwoAndThreeAgree() throws {
        var random = SpatialTestRandom(seed: 0x5EED_1002)
        let rectangle = Rectangle(centreX: 24, centreY: 20, angle: 0.3, width: 9, height: 4, interior: 20,
                                  distractors: 0, random: &random)
        let threeD = rectangle.landmarks.map(Float.init)
        var twoD: [Float] = []
        for index in 0..<rectangle.count { twoD += [threeD[3 * index], threeD[3 * index + 1]] }
        XCTAssertEqual(try compute(threeD, count: rectangle.count, dimensions: 3, options(rectangle)),
                       try compute(twoD, count: rectangle.count, dimensions: 2, options(rectangle)))
    }

    /// Swapping the rotation landmarks turns the crop by π (θ = angle + π): the linear part is negated, the
    /// centre and size are unchanged.
    func testRotationIndexOrderMatters() throws {
        var random = SpatialTestRandom(seed: 0x5EED_1003)
        let rectangle = Rectangle(centreX: 30, centreY: 18, angle: 0.7, width: 10, height: 6, interior: 8,
                                  distractors: 2, random: &random)
        let landmarks = rectangle.landmarks.map(Float.init)
        let forward = try compute(landmarks, count: rectangle.count, dimensions: 3, options(rectangle, left: 0, right: 1))
        let swapped = try compute(landmarks, count: rectangle.count, dimensions: 3, options(rectangle, left: 1, right: 0))
        for (matrix, theta) in [(forward, rectangle.angle), (swapped, rectangle.angle + .pi)] {
            assertMatrix(matrix, closedForm(centreX: 30, centreY: 18, theta: theta, boxWidth: 10, boxHeight: 6,
                                            scaleX: 1.5, scaleY: 1.5, outputWidth: 16, outputHeight: 16), "θ \(theta)")
        }
        XCTAssertEqual(Double(swapped[0]), -Double(forward[0]), accuracy: 1e-5)
        XCTAssertEqual(Double(swapped[5]), -Double(forward[5]), accuracy: 1e-5)
    }

    /// A non-zero target rotation t: θ = angle − t, and the subset's bounding box is measured in a frame where the
    /// rectangle is turned by t, so w' = w|cos t| + h|sin t|, h' = w|sin t| + h|cos t|; the centre is unchanged.
    func testTargetRotation() throws {
        var random = SpatialTestRandom(seed: 0x5EED_1004)
        let rectangle = Rectangle(centreX: 12, centreY: 35, angle: -0.4, width: 14, height: 5, interior: 6,
                                  distractors: 1, random: &random)
        for target in [0.25, -1.0, 2.0] {
            let matrix = try compute(rectangle.landmarks.map(Float.init), count: rectangle.count, dimensions: 3,
                                     options(rectangle, width: 20, height: 12, scaleX: 1.2, scaleY: 1.7,
                                             target: Float(target)))
            let t = Double(Float(target))
            let boxWidth = 14 * abs(cos(t)) + 5 * abs(sin(t)), boxHeight = 14 * abs(sin(t)) + 5 * abs(cos(t))
            assertMatrix(matrix, closedForm(centreX: 12, centreY: 35, theta: -0.4 - t, boxWidth: boxWidth,
                                            boxHeight: boxHeight, scaleX: 1.2, scaleY: 1.7,
                                            outputWidth: 20, outputHeight: 12), "target \(target)")
        }
    }

    /// Only the minimum and maximum of the subset matter: its order, repetitions and an odd count change nothing.
    func testSubsetOrderAndRepetitionDoNotMatter() throws {
        var random = SpatialTestRandom(seed: 0x5EED_1005)
        let rectangle = Rectangle(centreX: 20, centreY: 20, angle: 1.1, width: 8, height: 8, interior: 12,
                                  distractors: 0, random: &random)
        let landmarks = rectangle.landmarks.map(Float.init)
        var shuffled = options(rectangle)
        shuffled.subsetIndices = Array(rectangle.subset.reversed()) + [3, 3, 7]
        XCTAssertEqual(shuffled.subsetIndices.count % 2, 1)
        XCTAssertEqual(try compute(landmarks, count: rectangle.count, dimensions: 3, options(rectangle)),
                       try compute(landmarks, count: rectangle.count, dimensions: 3, shuffled))
    }

    /// Invalid options and non-finite landmarks throw a typed error and leave the matrix untouched; a non-finite
    /// landmark outside the subset and rotation pair is never read and does not matter.
    func testInvalidInputsThrow() throws {
        var random = SpatialTestRandom(seed: 0x5EED_1006)
        let rectangle = Rectangle(centreX: 20, centreY: 20, angle: 0, width: 8, height: 4, interior: 2,
                                  distractors: 1, random: &random)
        let landmarks = rectangle.landmarks.map(Float.init)
        let count = rectangle.count
        let valid = options(rectangle)
        func attempt(_ landmarks: [Float], count: Int, dimensions: Int = 3,
                     _ change: (inout Landmarks2TransformMatrixOptions) -> Void = { _ in }) -> PlanError? {
            var options = valid
            change(&options)
            var matrix = [Float](repeating: 42, count: 16)
            do {
                try matrix.withUnsafeMutableBufferPointer { out in
                    try Landmarks2TransformMatrix.run(landmarks: landmarks, count: count, dimensions: dimensions,
                                                           options: options, matrix: out.baseAddress!)
                }
                return nil
            } catch {
                XCTAssertTrue(matrix.allSatisfy { $0 == 42 }, "a rejected call must not write")
                return error as? PlanError
            }
        }
        XCTAssertNil(attempt(landmarks, count: count))
        XCTAssertEqual(attempt(landmarks, count: 0), .nonPositiveSize(name: "count", value: 0))
        XCTAssertEqual(attempt(landmarks, count: count, dimensions: 1),
                       .unsupportedDimensions(1, supported: "at least 2: x, y, ..."))
        XCTAssertEqual(attempt(landmarks, count: count) { $0.leftRotationIndex = count },
                       .indexOutOfRange(name: "leftRotationIndex", index: count, count: count))
        XCTAssertEqual(attempt(landmarks, count: count) { $0.rightRotationIndex = -1 },
                       .indexOutOfRange(name: "rightRotationIndex", index: -1, count: count))
        XCTAssertEqual(attempt(landmarks, count: count) { $0.subsetIndices = [0, 1, count + 5] },
                       .indexOutOfRange(name: "subsetIndices[2]", index: count + 5, count: count))
        XCTAssertEqual(attempt(landmarks, count: count) { $0.subsetIndices = [] }, .emptySubset)
        XCTAssertEqual(attempt(landmarks, count: count) { $0.outputWidth = 0 },
                       .nonPositiveSize(name: "outputWidth", value: 0))
        XCTAssertEqual(attempt(landmarks, count: count) { $0.outputHeight = -16 },
                       .nonPositiveSize(name: "outputHeight", value: -16))
        XCTAssertEqual(attempt(landmarks, count: count) { $0.scaleX = 0 }, .invalidScale(name: "scaleX", value: 0))
        XCTAssertEqual(attempt(landmarks, count: count) { $0.scaleY = -1.5 },
                       .invalidScale(name: "scaleY", value: -1.5))
        XCTAssertEqual(attempt(landmarks, count: count) { $0.scaleY = .infinity },
                       .invalidScale(name: "scaleY", value: .infinity))
        XCTAssertEqual(attempt(landmarks, count: count) { $0.targetRotationRadians = .nan },
                       .nonFinite(name: "targetRotationRadians"))

        var broken = landmarks
        broken[3 * 4 + 1] = .nan          // y of a subset landmark
        XCTAssertEqual(attempt(broken, count: count), .nonFinite(name: "subset landmark 4"))
        broken = landmarks
        broken[3 * 1] = .infinity          // x of the right rotation landmark
        XCTAssertEqual(attempt(broken, count: count), .nonFinite(name: "right rotation landmark 1"))
        broken = landmarks
        broken[3 * (count - 1)] = .nan     // the distractor, not read
        broken[3 * 2 + 2] = .nan           // a z, not read
        XCTAssertNil(attempt(broken, count: count))
    }
}
