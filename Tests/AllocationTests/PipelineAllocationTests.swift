import AllocationCounter
import FaceMesh
import Foundation
import ImageCodecs
import XCTest

/// Heap allocations above `ModelRunner`: a whole tracked frame of `FaceMeshEngine`, and the PNG decoder on files
/// that announce huge chunks. Counted by the replaced allocator (`Tests/AllocationCounter`), so each figure is
/// measured for that call alone, not as a process-wide peak that an earlier test could mask.
final class PipelineAllocationTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    override func setUpWithError() throws {
        guard allocation_counter_is_available() else {
            throw XCTSkip("allocation counting needs glibc and no sanitizer (it replaces malloc in the test executable)")
        }
    }

    /// Allocations made while `body` runs and the largest single request in bytes.
    private func allocations(_ body: () throws -> Void) rethrows -> (count: Int64, largest: UInt64) {
        allocation_counter_start()
        defer { _ = allocation_counter_stop() }
        try body()
        let count = allocation_counter_stop()
        return (count, allocation_counter_largest_request())
    }

    /// A tracked frame (video mode: crop from the previous landmarks, landmark network, projection, head pose,
    /// smoothing) is not allocation-free: the engine returns its faces as Swift arrays (478 landmarks, normalized
    /// landmarks, metric landmarks of the pose, ...). What the test pins is that the count is small, the same on
    /// every frame after warm-up, and does not grow over 60 frames (no per-frame leak or cache growth).
    /// Measured: 59 allocations per tracked frame (attention, One Euro smoothing, 1 and 2 threads), the same on
    /// every one of the 60 frames.
    func testTrackedFrameAllocatesAFixedSmallCount() throws {
        let image = try ImageDecoder.decode(contentsOf: Self.root.appendingPathComponent(
            "Tests/Fixtures/Images/mpl_grace_hopper.jpg"))
        for threads in [1, 2] {
            let engine = try FaceMeshEngine(options: FaceMeshOptions(
                model: .attention, smoothing: .faceLandmarkerDefault,
                weightsDirectory: Self.root.appendingPathComponent("Weights"), threads: threads))
            for frame in 0..<3 { _ = try engine.process(image, timestamp: Double(frame) / 30) }  // detection + warm-up
            var counts: [Int64] = [], largest: UInt64 = 0
            for frame in 3..<63 {
                var faces: [FaceMeshResult] = []
                let measured = try allocations { faces = try engine.process(image, timestamp: Double(frame) / 30) }
                XCTAssertEqual(faces.count, 1, "frame \(frame): the face is tracked")
                counts.append(measured.count)
                largest = max(largest, measured.largest)
            }
            print("tracked frame, \(threads) thread(s): allocations per frame min \(counts.min()!), max \(counts.max()!),"
                  + " largest request \(largest) bytes")
            XCTAssertEqual(counts.min(), counts.max(), "\(threads) thread(s): the per-frame count must not vary: \(counts)")
            XCTAssertLessThanOrEqual(counts.max()!, 120, "\(threads) thread(s)")  // measured 59
        }
    }

    /// Regression for a fuzzing finding: tiny PNGs whose text chunk announces 620 MB or 2 GB (data missing) made
    /// libpng allocate the announced size before failing. They must fail as truncated, and no single allocation
    /// of the decode may come near the announced size (measured: 28 and 14 allocations, largest request 1,264
    /// bytes, against 620 MB and 2 GB announced).
    func testHugeTextChunksAreSkippedWithoutAllocating() throws {
        let folder = Self.root.appendingPathComponent("Tests/Fixtures/ImageCodecs/regressions")
        for name in ["png_text_chunk_620MB.png", "png_text_chunk_2GB.png"] {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            XCTAssertLessThan(data.count, 100)
            var thrown: Error?
            let measured = allocations {
                do { _ = try ImageDecoder.decode(data: data) } catch { thrown = error }
            }
            guard case .truncatedData? = thrown as? ImageCodecError else {
                return XCTFail("\(name): expected truncatedData, got \(String(describing: thrown))")
            }
            print("\(name): \(measured.count) allocations, largest request \(measured.largest) bytes")
            XCTAssertLessThanOrEqual(measured.largest, 4096, "\(name): largest allocation \(measured.largest) bytes")
        }
    }
}
