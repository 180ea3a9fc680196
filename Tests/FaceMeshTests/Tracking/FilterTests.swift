import Foundation
import XCTest
@testable import FaceMesh

/// The scalar filters on synthetic signals, against the closed forms of §10.
final class FilterTests: XCTestCase {
    /// α(f) = 1/(1 + 30/(2π f)) at 30 Hz.
    private func alpha(_ cutoff: Double, frequency: Double = 30) -> Double {
        1 / (1 + frequency / (2 * Double.pi * cutoff))
    }

    func testLowPassFilter() throws {
        var filter = try LowPassFilter(alpha: 0.25)
        XCTAssertEqual(filter.apply(8), 8)
        XCTAssertEqual(filter.apply(4), 0.25 * 4 + 0.75 * 8)
        XCTAssertEqual(filter.apply(0, alpha: 2), 0.75 * 7)  // α out of range: ignored
        XCTAssertEqual(filter.alpha, 0.25)
        XCTAssertEqual(filter.lastRawValue, 0)
        filter.reset()
        XCTAssertEqual(filter.apply(-3), -3)
        XCTAssertThrowsError(try LowPassFilter(alpha: -0.1))
    }

    /// First sample passes; the second follows the closed form with the measured frequency (10 Hz here) and the
    /// derivative of the raw values.
    func testOneEuroClosedForm() throws {
        let p = OneEuroFilter.Parameters(frequency: 30, minCutoff: 0.5, beta: 2, derivativeCutoff: 1)
        var filter = try OneEuroFilter(parameters: p)
        XCTAssertEqual(try filter.apply(3, timestamp: 0.1, valueScale: 0.5), 3)
        let out = try filter.apply(5, timestamp: 0.2, valueScale: 0.5)
        let dx = (5.0 - 3.0) * 0.5 * 10  // value scale × frequency (10 Hz measured)
        let smoothedDerivative = alpha(1, frequency: 10) * dx  // previous derivative value 0
        let cutoff = 0.5 + 2 * smoothedDerivative
        let expected = alpha(cutoff, frequency: 10) * 5 + (1 - alpha(cutoff, frequency: 10)) * 3
        XCTAssertEqual(Double(out), expected, accuracy: 1e-5)
        XCTAssertEqual(OneEuroFilter.alpha(cutoff: 0.05, frequency: 30), 0.0104, accuracy: 1e-4)
        XCTAssertEqual(OneEuroFilter.alpha(cutoff: 1, frequency: 30), 0.173, accuracy: 1e-3)
    }

    /// A fresh filter (MediaPipe 0.10.14's `OneEuroFilter::Create`, last timestamp −1) records a first sample at
    /// t = 0, so the sample after it is smoothed already, at the initial 30 Hz (a stamp of 0 measures no frequency):
    /// the closed form with f = 30 and the raw derivative (2 − 1)·30.
    func testOneEuroStreamStartingAtZero() throws {
        var filter = try OneEuroFilter(parameters: .faceLandmarker)
        XCTAssertEqual(try filter.apply(1, timestamp: 0), 1)
        let second = Double(try filter.apply(2, timestamp: 0.05))
        let derivative = alpha(1, frequency: 30) * (2 - 1) * 30
        let a = alpha(0.05 + 80 * derivative, frequency: 30)
        XCTAssertEqual(second, a * 2 + (1 - a) * 1, accuracy: 1e-5)
        XCTAssertLessThan(second, 2)
    }

    func testOneEuroIgnoresNonIncreasingTimestamps() throws {
        var filter = try OneEuroFilter(parameters: .faceLandmarker)
        var reference = filter
        _ = try filter.apply(10, timestamp: 1, valueScale: 0.01)
        _ = try reference.apply(10, timestamp: 1, valueScale: 0.01)
        XCTAssertEqual(try filter.apply(99, timestamp: 1, valueScale: 0.01), 99)    // equal: passes, no update
        XCTAssertEqual(try filter.apply(-5, timestamp: 0.5, valueScale: 0.01), -5)  // earlier: passes, no update
        XCTAssertEqual(try filter.apply(11, timestamp: 1.1, valueScale: 0.01),
                       try reference.apply(11, timestamp: 1.1, valueScale: 0.01))
        XCTAssertThrowsError(try filter.apply(1, timestamp: .nan)) {
            guard case .invalidTimestamp? = $0 as? FaceMeshError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try OneEuroFilter(parameters: .init(frequency: 0, minCutoff: 1, beta: 0, derivativeCutoff: 1)))
    }

    /// A 10-px step on a 100-px object at 30 fps with the face parameters. Right after the step the raw derivative
    /// is 10/100·30 = 3 /s, ê = 0.173·3 = 0.52, cutoff 0.05 + 80·0.52 ≈ 41.6 Hz, α ≈ 0.90; the next sample has
    /// ê ≈ 0.43, α ≈ 0.88, so 90 % is reached by the second sample after the step, monotonically, without
    /// overshoot.
    func testOneEuroStepResponse() throws {
        var filter = try OneEuroFilter(parameters: .faceLandmarker)
        var outputs: [Float] = []
        for frame in 1...40 {
            let x: Float = frame <= 10 ? 50 : 60
            outputs.append(try filter.apply(x, timestamp: Double(frame) / 30, valueScale: 1 / 100))
        }
        XCTAssertEqual(outputs[9], 50)
        let firstAfter = Double(outputs[10])
        let derivative = alpha(1) * 3
        let a = alpha(0.05 + 80 * derivative)
        XCTAssertEqual(firstAfter, a * 60 + (1 - a) * 50, accuracy: 1e-3)
        XCTAssertGreaterThanOrEqual(outputs[11], 59)
        for i in 10..<40 {
            XCTAssertGreaterThanOrEqual(outputs[i], outputs[i - 1])
            XCTAssertLessThanOrEqual(outputs[i], 60)
        }
    }

    /// A ramp of 1 px/frame on a 100-px object: in steady state ê → 0.3 /s, cutoff 24.05 Hz, α = 0.834 and the
    /// lag behind the input is v·(1 − α)/α ≈ 0.199 px.
    func testOneEuroRampLag() throws {
        var filter = try OneEuroFilter(parameters: .faceLandmarker)
        var last: Float = 0
        for frame in 1...90 {
            last = try filter.apply(Float(frame), timestamp: Double(frame) / 30, valueScale: 1 / 100)
        }
        let a = alpha(0.05 + 80 * 0.3)
        XCTAssertEqual(Double(90 - last), (1 - a) / a, accuracy: 0.01)
    }

    func testRelativeVelocityClosedForm() throws {
        var filter = try RelativeVelocityFilter(parameters: .faceEffect)
        XCTAssertEqual(filter.apply(2, timestampNanoseconds: 1_000_000_000, valueScale: 0.5), 2)  // α = 1
        let out = filter.apply(4, timestampNanoseconds: 1_033_333_333, valueScale: 0.5)
        // distance 4·0.5 − 2·0.5 = 1 over 33.33 ms (the zero-filled window adds nothing) → 30 /s.
        let a: Double = 1 - 1 / (1 + 20 * 30)
        XCTAssertEqual(Double(out), a * 4 + (1 - a) * 2, accuracy: 1e-4)
        // Non-increasing timestamp: passes, no update.
        XCTAssertEqual(filter.apply(100, timestampNanoseconds: 1_033_333_333, valueScale: 0.5), 100)
    }

    /// The window accumulates past (distance, duration) pairs while the total duration stays ≤ (1 + N)/30 s.
    /// At 30 fps all N = 5 pairs fit, at 15 fps only the current pair and one more: the same jump two frames back
    /// still moves the output at 30 fps but not at 15 fps.
    func testRelativeVelocityWindowCap() throws {
        func run(frameNanoseconds: Int64) throws -> (before: Float, after: Float) {
            var filter = try RelativeVelocityFilter(parameters: .faceEffect)
            var outputs: [Float] = []
            for (i, x) in [Float(0), 6, 6, 8].enumerated() {
                outputs.append(filter.apply(x, timestampNanoseconds: Int64(i + 1) * frameNanoseconds))
            }
            return (outputs[2], outputs[3])
        }
        // 15 fps: at the last sample the window holds (2, 66.7 ms) + (0, 66.7 ms); the (6, …) pair is beyond the
        // 200 ms cap → velocity = 2/0.1333 s = 15 /s.
        let slow = try run(frameNanoseconds: 66_666_667)
        let aSlow: Double = 1 - 1 / (1 + 20 * 2 / (2 * 0.066666667))
        XCTAssertEqual(Double(slow.after), aSlow * 8 + (1 - aSlow) * Double(slow.before), accuracy: 1e-4)
        // 30 fps: all three pairs count → velocity = 8/0.1 s = 80 /s.
        let fast = try run(frameNanoseconds: 33_333_333)
        let aFast: Double = 1 - 1 / (1 + 20 * 8 / (3 * 0.033333333))
        XCTAssertEqual(Double(fast.after), aFast * 8 + (1 - aFast) * Double(fast.before), accuracy: 1e-4)

        var short = try RelativeVelocityFilter(parameters: .init(windowSize: 1, velocityScale: 20))
        var outputs: [Float] = []
        for (i, x) in [Float(0), 6, 6, 8].enumerated() {
            outputs.append(short.apply(x, timestampNanoseconds: Int64(i + 1) * 33_333_333))
        }
        // Window 1: current (2) + previous (0) → 2 / 66.7 ms = 30 /s.
        let aShort: Double = 1 - 1 / (1 + 20 * 2 / (2 * 0.033333333))
        XCTAssertEqual(Double(outputs[3]), aShort * 8 + (1 - aShort) * Double(outputs[2]), accuracy: 1e-4)
        XCTAssertThrowsError(try RelativeVelocityFilter(parameters: .init(windowSize: 0, velocityScale: 1)))
    }

    /// Forcing the current scale measures s·(x − x_prev), which ignores a change of scale between samples.
    func testRelativeVelocityDistanceModes() throws {
        var legacy = try RelativeVelocityFilter(parameters: .init(windowSize: 5, velocityScale: 20))
        var current = try RelativeVelocityFilter(parameters: .init(windowSize: 5, velocityScale: 20,
                                                                   distanceMode: .forceCurrentScale))
        _ = legacy.apply(10, timestampNanoseconds: 1, valueScale: 1)
        _ = current.apply(10, timestampNanoseconds: 1, valueScale: 1)
        // Same value, doubled scale: legacy distance 10·2 − 10·1 = 10 → moves nothing anyway (x unchanged), but the
        // α differs: check through a following step.
        XCTAssertEqual(legacy.apply(10, timestampNanoseconds: 33_333_334, valueScale: 2), 10)
        XCTAssertEqual(current.apply(10, timestampNanoseconds: 33_333_334, valueScale: 2), 10)
        let l = legacy.apply(12, timestampNanoseconds: 66_666_667, valueScale: 2)
        let c = current.apply(12, timestampNanoseconds: 66_666_667, valueScale: 2)
        // Legacy window: 4 (now) + 10 (scale change) over 66.7 ms = 210 /s; current: 4 + 0 → 60 /s.
        let aL: Double = 1 - 1 / (1 + 20 * 14 / 0.066666666)
        let aC: Double = 1 - 1 / (1 + 20 * 4 / 0.066666666)
        XCTAssertEqual(Double(l), aL * 12 + (1 - aL) * 10, accuracy: 1e-4)
        XCTAssertEqual(Double(c), aC * 12 + (1 - aC) * 10, accuracy: 1e-4)
    }
}
