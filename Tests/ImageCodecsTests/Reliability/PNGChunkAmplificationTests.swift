import Foundation
import XCTest
@testable import ImageCodecs

/// Regression for a fuzzing finding: tiny PNGs whose text chunk announces hundreds of megabytes (data missing) made
/// libpng allocate the announced size before failing. They must fail as truncated without that allocation.
final class PNGChunkAmplificationTests: XCTestCase {
    private func peakResidentKiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }

    func testHugeTextChunksAreSkippedWithoutAllocating() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/ImageCodecs/regressions")
        for name in ["png_text_chunk_620MB.png", "png_text_chunk_2GB.png"] {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            XCTAssertLessThan(data.count, 100)
            let before = peakResidentKiB()
            XCTAssertThrowsError(try ImageDecoder.decode(data: data), name) { error in
                guard case .truncatedData? = error as? ImageCodecError else {
                    return XCTFail("\(name): expected truncatedData, got \(error)")
                }
            }
            let growth = peakResidentKiB() - before
            XCTAssertLessThan(growth, 64 * 1024, "\(name): peak memory grew by \(growth) KiB")
        }
    }
}
