import XCTest
@testable import FaceMesh

final class FaceMeshPlaceholderTests: XCTestCase {}
