import Foundation
import XCTest
@testable import facemesh

/// The JSON writer's number format against C's printf rounding (`%.*f`), with trailing zeros removed.
final class NumberFormattingTests: XCTestCase {
    private func printfReference(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    func testMatchesPrintfOnRepresentativeValues() {
        // Values whose scaled form is not a tie, so half-away-from-zero and printf's round-half-even agree.
        let values: [Double] = [0, 1, -1, 0.5, 123.4567, -98.76543, 1e-7, -1e-7, 0.0004, 0.00051, 511.9999,
                                267.6743, -20.5181, 1234567.891, 0.1, 0.2, 0.3, 42]
        for value in values {
            for decimals in [3, 4, 5, 6] {
                XCTAssertEqual(FaceJSON.number(value, decimals: decimals), printfReference(value, decimals: decimals),
                               "\(value) with \(decimals) decimals")
            }
        }
    }

    func testRandomValuesMatchPrintf() {
        // A fixed linear congruential sequence (Knuth's MMIX constants), so the test is reproducible.
        var state: UInt64 = 20_240_611
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let value = (Double(state >> 11) / Double(1 << 53)) * 4000 - 2000
            XCTAssertEqual(FaceJSON.number(value, decimals: 3), printfReference(value, decimals: 3), "\(value)")
        }
    }

    func testNonFiniteValuesAreNull() {
        XCTAssertEqual(FaceJSON.number(Double.nan, decimals: 3), "null")
        XCTAssertEqual(FaceJSON.number(-Double.infinity, decimals: 3), "null")
        XCTAssertEqual(FaceJSON.number(Float.infinity, decimals: 4), "null")
    }

    func testEmptyFaceListDocuments() {
        XCTAssertEqual(FaceJSON.image(width: 7, height: 5, faces: []), #"{"width":7,"height":5,"faces":[]}"#)
        XCTAssertEqual(FaceJSON.frame(index: 3, timestamp: 0.1, width: 7, height: 5, faces: []),
                       #"{"frame":3,"timestamp":0.1,"width":7,"height":5,"faces":[]}"#)
    }
}
