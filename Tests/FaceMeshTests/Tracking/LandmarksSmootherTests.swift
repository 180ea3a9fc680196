import Foundation
import XCTest
@testable import FaceMesh

/// `LandmarksSmoother` on synthetic faces.
final class LandmarksSmootherTests: XCTestCase {
    /// SplitMix64 + Box–Muller: deterministic Gaussian noise.
    private struct Noise {
        var state: UInt64
        mutating func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        mutating func gaussian() -> Float {
            Float((-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * Double.pi * uniform()))
        }
    }

    /// A static 100×100-px "face" of 468 points (object scale 100 px).
    private func face() -> [Landmark] {
        (0..<468).map { i in
            Landmark(x: 200 + Float(i % 22) * 100 / 21, y: 150 + Float(i / 22) * 100 / 21, z: Float(i % 7) - 3)
        }
    }

    private func standardDeviation(_ values: [Float]) -> Double {
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        return (values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count))
            .squareRoot()
    }

    /// Ratio of the raw to the smoothed standard deviation of x for three landmarks of a still 200-px face with
    /// Gaussian noise of `sigma` px, 300 frames at 30 fps (the first 30 frames are skipped).
    private func jitterReduction(_ method: SmoothingMethod, sigma: Float) throws -> [Double] {
        var smoother = try LandmarksSmoother(method: method)
        var noise = Noise(state: 42)
        let base = face().map { Landmark(x: 2 * $0.x, y: 2 * $0.y, z: 2 * $0.z) }
        var raw: [[Float]] = Array(repeating: [], count: 3), smoothed: [[Float]] = Array(repeating: [], count: 3)
        for frame in 0..<300 {
            let noisy = base.map {
                Landmark(x: $0.x + sigma * noise.gaussian(), y: $0.y + sigma * noise.gaussian(), z: $0.z)
            }
            let output = try smoother.smooth(noisy, timestamp: Double(frame + 1) / 30)
            if frame >= 30 {
                for (k, index) in [5, 200, 400].enumerated() {
                    raw[k].append(noisy[index].x)
                    smoothed[k].append(output[index].x)
                }
            }
        }
        return (0..<3).map { standardDeviation(raw[$0]) / standardDeviation(smoothed[$0]) }
    }

    /// Jitter of 0.1 % of the face size (0.2 px on 200 px): the FaceLandmarker defaults (One Euro) cut it by
    /// ≥ 3×, the face effect's velocity filter by ≥ 2×. Both adapt to speed, so ten times more jitter (read as
    /// motion) is smoothed less, but still smoothed.
    func testNoiseReductionOnAStaticFace() throws {
        for (method, factor) in [(SmoothingMethod.faceLandmarkerDefault, 3.0), (.faceEffectDefault, 2.0)] {
            let small = try jitterReduction(method, sigma: 0.2)
            let large = try jitterReduction(method, sigma: 2)
            print("\(method): jitter reduction \(small) at 0.1 %, \(large) at 1 % of the face size")
            for k in 0..<3 {
                XCTAssertGreaterThanOrEqual(small[k], factor, "\(method)")
                XCTAssertGreaterThan(large[k], 1.1, "\(method)")
                XCTAssertLessThan(large[k], small[k], "\(method)")
            }
        }
    }

    func testFirstFramePassesAndGapResets() throws {
        var smoother = try LandmarksSmoother(method: .faceLandmarkerDefault)
        let first = face()
        XCTAssertEqual(try smoother.smooth(first, timestamp: 0.1), first)
        let moved = first.map { Landmark(x: $0.x + 20, y: $0.y, z: $0.z) }
        let second = try smoother.smooth(moved, timestamp: 0.2)
        XCTAssertNotEqual(second, moved)  // smoothed towards the previous frame
        XCTAssertLessThan(second[0].x, moved[0].x)
        XCTAssertNil(try smoother.smoothOrReset(nil, timestamp: 0.3))
        // After the gap the filters start over: the frame passes through.
        XCTAssertEqual(try smoother.smoothOrReset(first, timestamp: 0.4), first)
    }

    func testNonIncreasingTimestampPassesThrough() throws {
        var smoother = try LandmarksSmoother(method: .faceEffectDefault)
        _ = try smoother.smooth(face(), timestamp: 1)
        let shifted = face().map { Landmark(x: $0.x - 7, y: $0.y + 3, z: $0.z) }
        XCTAssertEqual(try smoother.smooth(shifted, timestamp: 1), shifted)
        XCTAssertEqual(try smoother.smooth(shifted, timestamp: 0.5), shifted)
    }

    /// Object scale is the mean of the box sides (not the maximum); a degenerate face passes through.
    func testObjectScaleAndTinyFaces() throws {
        let box = [Landmark(x: 10, y: 20), Landmark(x: 110, y: 60), Landmark(x: 50, y: 30)]
        XCTAssertEqual(LandmarksSmoother.objectScale(of: box), 70)
        var smoother = try LandmarksSmoother(method: .faceLandmarkerDefault)
        let point = [Landmark](repeating: Landmark(x: 5, y: 5, z: 1), count: 468)
        XCTAssertEqual(try smoother.smooth(point, timestamp: 1), point)
        let moved = [Landmark](repeating: Landmark(x: 9, y: 5, z: 1), count: 468)
        XCTAssertEqual(try smoother.smooth(moved, timestamp: 2), moved)
    }

    /// The value scale makes the smoothing independent of the face size: the same motion relative to the face
    /// gives the same relative output.
    func testScaleInvariance() throws {
        func run(scale: Float) throws -> Float {
            var smoother = try LandmarksSmoother(method: .faceLandmarkerDefault)
            let base = face().map { Landmark(x: $0.x * scale, y: $0.y * scale, z: $0.z * scale) }
            var output: [Landmark] = []
            for frame in 0..<10 {
                let shift = Float(frame) * 2 * scale
                output = try smoother.smooth(base.map { Landmark(x: $0.x + shift, y: $0.y, z: $0.z) },
                                             timestamp: Double(frame + 1) / 30)
            }
            return (output[0].x - base[0].x) / scale
        }
        XCTAssertEqual(try run(scale: 1), try run(scale: 3), accuracy: 1e-3)
    }

    func testNoneMethodAndErrors() throws {
        var none = try LandmarksSmoother(method: .none)
        let noisy = face().map { Landmark(x: $0.x + 1, y: $0.y, z: $0.z) }
        _ = try none.smooth(face(), timestamp: 1)
        XCTAssertEqual(try none.smooth(noisy, timestamp: 2), noisy)

        var smoother = try LandmarksSmoother(method: .faceLandmarkerDefault)
        _ = try smoother.smooth(face(), timestamp: 1)
        XCTAssertThrowsError(try smoother.smooth(Array(face().prefix(458)), timestamp: 2)) {
            XCTAssertEqual($0 as? FaceMeshError, .landmarkCountChanged(expected: 468, actual: 458))
        }
        smoother.reset()
        XCTAssertNoThrow(try smoother.smooth(Array(face().prefix(100)), timestamp: 3))
        XCTAssertThrowsError(try smoother.smooth(face(), timestamp: .infinity))
        XCTAssertThrowsError(try LandmarksSmoother(method: .oneEuro(.init(frequency: 30, minCutoff: -1, beta: 0,
                                                                           derivativeCutoff: 1))))
        XCTAssertThrowsError(try LandmarksSmoother(method: .relativeVelocity(.init(windowSize: -2, velocityScale: 1))))
    }
}
