import XCTest
@testable import ImageCodecs

final class ImageCodecsPlaceholderTests: XCTestCase {}
