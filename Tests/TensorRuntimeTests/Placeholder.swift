import XCTest
@testable import TensorRuntime

final class TensorRuntimePlaceholderTests: XCTestCase {}
