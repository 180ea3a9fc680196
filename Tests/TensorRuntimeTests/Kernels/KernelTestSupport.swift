import XCTest
@testable import TensorRuntime

/// A float buffer with guard values after its end, to catch kernels writing past their declared size.
final class GuardedBuffer {
    static let guardCount = 32
    static let guardValue: Float = 12345.678

    let count: Int
    let storage: UnsafeMutablePointer<Float>

    /// `count` floats initialised to `fill` (NaN by default, so unwritten outputs are detected).
    init(count: Int, fill: Float = .nan) {
        self.count = count
        storage = .allocate(capacity: count + Self.guardCount)
        storage.initialize(repeating: fill, count: count)
        (storage + count).initialize(repeating: Self.guardValue, count: Self.guardCount)
    }

    /// A buffer holding `values`.
    convenience init(_ values: [Float]) {
        self.init(count: values.count)
        storage.update(from: values, count: values.count)
    }

    deinit { storage.deallocate() }

    var pointer: UnsafeMutablePointer<Float> { storage }
    var values: [Float] { Array(UnsafeBufferPointer(start: storage, count: count)) }

    /// True when no guard value after the end was overwritten.
    var guardsIntact: Bool {
        (0..<Self.guardCount).allSatisfy { storage[count + $0] == Self.guardValue }
    }
}

/// Asserts that `actual` equals `expected` exactly (bit-for-bit equal values).
func assertEqualFloats(_ actual: [Float], _ expected: [Float], _ message: String = "",
                       file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "count \(message)", file: file, line: line)
    if let index = actual.indices.first(where: { index in index < expected.count && actual[index] != expected[index] }) {
        XCTFail("\(message): element \(index) is \(actual[index]), expected \(expected[index])", file: file, line: line)
    }
}

/// Asserts that `body` throws a `PlanError` matching `predicate`.
func assertThrowsKernelError(_ message: String = "", file: StaticString = #filePath, line: UInt = #line,
                             _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected a kernel argument error: \(message)", file: file, line: line)
    } catch let error as PlanError where error.isKernelArgumentError {
        // expected
    } catch {
        XCTFail("expected a kernel argument error, got \(error): \(message)", file: file, line: line)
    }
}
