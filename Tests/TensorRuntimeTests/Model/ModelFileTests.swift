import Foundation
import XCTest
@testable import TensorRuntime

/// The loader accepts well-formed files and rejects every kind of damage with a typed error, never a trap.
final class ModelFileTests: XCTestCase {
    /// input [1,2,2,3] → PRELU(alpha [1,1,3]) → output.
    private func smallModel() -> TestModelBuilder {
        var builder = TestModelBuilder()
        let input = builder.activation("input", [1, 2, 2, 3])
        let alpha = builder.constant("alpha", [1, 1, 3], [0.5, 0.25, -1])
        let output = builder.activation("output", [1, 2, 2, 3])
        builder.inputs = [input]
        builder.outputs = [output]
        builder.add("PRELU", [input, alpha], [output])
        return builder
    }

    private func expectError(_ data: Data, file: StaticString = #filePath, line: UInt = #line,
                             _ check: (ModelFileError) -> Bool) {
        XCTAssertThrowsError(try ModelFile(data: data), file: file, line: line) { error in
            guard let error = error as? ModelFileError else {
                return XCTFail("unexpected error type \(error)", file: file, line: line)
            }
            XCTAssertTrue(check(error), "unexpected error: \(error)", file: file, line: line)
            XCTAssertFalse(error.description.isEmpty)
        }
    }

    func testParsesTensorsOperatorsAndAttributes() throws {
        var builder = smallModel()
        builder.operators[0].attributes = ["a_int": .int(-3), "b_float": .float(1.5), "c_text": .string("SAME"),
                                           "d_ints": .ints([1, -2]), "e_floats": .floats([0.25])]
        let model = try ModelFile(data: builder.serialized())
        XCTAssertEqual(model.name, "test_model")
        XCTAssertEqual(model.tensors.map(\.name), ["input", "alpha", "output"])
        XCTAssertEqual(model.tensors[1].shape, [1, 1, 3])
        XCTAssertEqual(model.floatData(ofTensor: 1), [0.5, 0.25, -1])
        XCTAssertEqual(model.inputs, [0])
        XCTAssertEqual(model.outputs, [2])
        XCTAssertEqual(model.operators[0].type, .prelu)
        XCTAssertEqual(model.operators[0].int("a_int"), -3)
        XCTAssertEqual(model.operators[0].float("b_float"), 1.5)
        XCTAssertEqual(model.operators[0].string("c_text"), "SAME")
        XCTAssertEqual(model.operators[0].intList("d_ints"), [1, -2])
        XCTAssertEqual(model.operators[0].attributes["e_floats"], .floatList([0.25]))
        XCTAssertEqual(model.tensors[1].dataRange!.lowerBound % 64, 0)
    }

    func testEmptyAndTruncatedFilesAreRejected() throws {
        let data = smallModel().serialized()
        expectError(Data()) { if case .truncated = $0 { return true }; return false }
        for length in stride(from: 1, to: data.count, by: 7) {
            XCTAssertThrowsError(try ModelFile(data: data.prefix(length)), "prefix \(length)")
        }
    }

    func testHeaderDamage() throws {
        let data = smallModel().serialized()
        var magic = data; magic[0] = UInt8(ascii: "X")
        expectError(magic) { $0 == .badMagic }
        var version = data; version[4] = 2
        expectError(version) { $0 == .unsupportedVersion(2) }
        var byteOrder = data; byteOrder.replaceSubrange(8..<12, with: [0x0A, 0x0B, 0x0C, 0x0D])
        expectError(byteOrder) { $0 == .wrongByteOrder }
        var lengths = data; lengths.replaceSubrange(24..<32, with: withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { Data($0) })
        expectError(lengths) { if case .invalidHeader = $0 { return true }; return false }
        var longer = data; longer.append(contentsOf: [0, 0])
        expectError(longer) { if case .invalidHeader = $0 { return true }; return false }
    }

    func testChecksumMismatch() throws {
        var data = smallModel().serialized()
        data[data.count - 1] ^= 0x40
        expectError(data) { if case .checksumMismatch = $0 { return true }; return false }
    }

    func testOverflowingShapeIsRejected() throws {
        var builder = smallModel()
        builder.tensors[2].shape = [1 << 20, 1 << 20, 1 << 20]
        expectError(builder.serialized()) { if case .invalidTensor = $0 { return true }; return false }
        builder.tensors[2].shape = [1, 0, 3]
        expectError(builder.serialized()) { if case .invalidTensor = $0 { return true }; return false }
    }

    func testOperandIndexOutOfRangeIsRejected() throws {
        var builder = smallModel()
        builder.operators[0].inputs = [0, 7]
        expectError(builder.serialized()) { if case .invalidOperator = $0 { return true }; return false }
        builder = smallModel()
        builder.outputs = [9]
        expectError(builder.serialized()) { if case .malformedMetadata = $0 { return true }; return false }
    }

    func testDataOutsidePayloadIsRejected() throws {
        // Announce more alpha data than the shape allows: the length check fires.
        var builder = smallModel()
        builder.tensors[1].floats = [1, 2, 3, 4]
        expectError(builder.serialized()) { if case .invalidTensor = $0 { return true }; return false }
    }

    func testNonFiniteConstantIsRejected() throws {
        var builder = smallModel()
        builder.tensors[1].floats = [0.5, .nan, 1]
        expectError(builder.serialized()) { if case .nonFiniteConstant(1, "alpha", 1) = $0 { return true }; return false }
        builder.tensors[1].floats = [0.5, 1, -.infinity]
        expectError(builder.serialized()) { if case .nonFiniteConstant(1, "alpha", 2) = $0 { return true }; return false }
    }

    func testMissingFileAndDirectory() throws {
        XCTAssertThrowsError(try ModelFile(contentsOf: URL(fileURLWithPath: "/nonexistent/model.sfmw"))) {
            guard case .unreadable? = $0 as? ModelFileError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try ModelFile(contentsOf: URL(fileURLWithPath: NSTemporaryDirectory()))) {
            guard case .unreadable? = $0 as? ModelFileError else { return XCTFail("\($0)") }
        }
    }

    /// Every committed weight file, cut at many points or with a flipped byte, is refused with a typed error.
    func testCommittedWeightFilesSurviveDamage() throws {
        for name in ["face_landmark", "iris_landmark", "face_detection_short_range", "face_landmark_with_attention",
                     "face_detection_full_range"] {
            let url = RepositoryFiles.weights(name)
            let data = try Data(contentsOf: url)
            XCTAssertNoThrow(try ModelFile(data: data), name)
            for fraction in [0.0001, 0.01, 0.3, 0.5, 0.9, 0.9999] {
                XCTAssertThrowsError(try ModelFile(data: data.prefix(Int(Double(data.count) * fraction))), name)
            }
            for position in [70, 200, data.count / 2, data.count - 3] {
                var damaged = data
                damaged[position] ^= 0x01
                XCTAssertThrowsError(try ModelFile(data: damaged), "\(name) flip at \(position)")
            }
        }
    }

    /// Every supported operator name maps to its own case and back; other names (case-sensitive) are kept as
    /// `.unsupported` for the planner to reject (PlanDamageTests.testUnknownOperatorIsUnsupported checks the error).
    func testOperatorTypeNamesRoundTrip() {
        for type in OperatorType.supported {
            XCTAssertEqual(OperatorType(name: type.name), type)
        }
        XCTAssertEqual(Set(OperatorType.supported.map(\.name)).count, OperatorType.supported.count)
        XCTAssertEqual(OperatorType(name: "SOFTMAX"), .unsupported("SOFTMAX"))
        XCTAssertEqual(OperatorType(name: "conv_2d"), .unsupported("conv_2d"))
    }
}
