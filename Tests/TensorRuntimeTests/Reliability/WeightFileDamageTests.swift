import Foundation
import XCTest
@testable import TensorRuntime
import TestSupport

/// Every committed weight file, cut short at 64 evenly spaced points and hit by 64 random single-byte changes, is
/// refused with a `ModelFileError`: never a trap, never a silently accepted file. The same damage with the header
/// repaired afterwards (lengths and checksum recomputed, as a careless tool would) reaches the metadata parser and
/// the planner; it must still end in a typed error or, for a harmless change, in a model that compiles.
final class WeightFileDamageTests: XCTestCase {
    func testFaceDetectorSurvivesDamage() throws { try checkDamage("face_detection_short_range", seed: 1) }
    func testFaceLandmarkSurvivesDamage() throws { try checkDamage("face_landmark", seed: 2) }
    func testIrisLandmarkSurvivesDamage() throws { try checkDamage("iris_landmark", seed: 3) }
    func testAttentionFaceLandmarkSurvivesDamage() throws { try checkDamage("face_landmark_with_attention", seed: 4) }
    func testFaceMeshV2SurvivesDamage() throws { try checkDamage("face_landmark_v2", seed: 5) }
    func testBlendshapeNetworkSurvivesDamage() throws { try checkDamage("face_blendshapes", seed: 6) }

    private static let cuts = 64
    private static let flips = 64
    /// Every 4th cut and flip is also tried with the header repaired (16 of each per file: loading a repaired file
    /// hashes and parses all of it, which dominates the test's time in debug builds).
    private static let repairedEvery = 4

    private func checkDamage(_ name: String, seed: UInt64) throws {
        let data = try Data(contentsOf: RepositoryFiles.weights(name))
        let model = try ModelFile(data: data)  // the undamaged file loads
        let metadataEnd = model.tensors.compactMap(\.dataRange?.lowerBound).min() ?? data.count

        for cut in 0..<Self.cuts {
            let length = cut * data.count / Self.cuts
            let truncated = data.prefix(length)
            expectLoaderError(truncated, "\(name) cut to \(length) bytes")
            guard cut % Self.repairedEvery == 0 else { continue }
            // With the lengths and checksum repaired the cut is still detected (a constant or the metadata is
            // incomplete: the format has no padding after the last constant).
            expectLoaderError(Self.repaired(truncated), "\(name) cut to \(length) bytes, header repaired")
        }

        var random = SplitMix64(seed: seed)
        var compiled = 0, refused = 0
        for flip in 0..<Self.flips {
            // Half of the flips (including all repaired ones) land in the header and metadata, where every byte
            // matters; half anywhere.
            let range = flip % 2 == 0 ? metadataEnd : data.count
            let position = Int(random.next() % UInt64(range))
            let mask = UInt8(truncatingIfNeeded: random.next() % 255 + 1)
            var damaged = data
            damaged[position] ^= mask
            expectLoaderError(damaged, "\(name) byte \(position) ^ \(mask)")
            guard flip % Self.repairedEvery == 0 else { continue }
            // Repaired: any outcome but a trap is acceptable; a model that loads must compile or be refused by
            // the planner with a PlanError.
            switch Self.loadAndCompile(Self.repaired(damaged)) {
            case .compiled: compiled += 1
            case .refused: refused += 1
            case let .unexpected(error):
                XCTFail("\(name) byte \(position) ^ \(mask), header repaired: untyped \(type(of: error)): \(error)")
            }
        }
        XCTAssertGreaterThan(refused, 0, "repaired metadata damage should mostly be detected by the parser or planner")
        print("\(name): \(Self.cuts) cuts and \(Self.flips) flips refused; repaired metadata flips: "
              + "\(refused) refused, \(compiled) still compile")
    }

    private func expectLoaderError(_ data: Data, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ModelFile(data: data), what, file: file, line: line) { error in
            XCTAssertTrue(error is ModelFileError, "\(what): \(type(of: error)) \(error)", file: file, line: line)
        }
    }

    private enum Outcome { case compiled, refused, unexpected(Error) }

    private static func loadAndCompile(_ data: Data) -> Outcome {
        do {
            _ = try ModelRunner(file: ModelFile(data: data))
            return .compiled
        } catch is ModelFileError {
            return .refused
        } catch is PlanError {
            return .refused
        } catch {
            return .unexpected(error)
        }
    }

    /// `data` with file length, payload length and checksum rewritten to match its bytes (when it still has a
    /// header); the structure of the metadata and payload is left damaged.
    static func repaired(_ data: Data) -> Data {
        var bytes = [UInt8](data)
        guard bytes.count >= 64 else { return Data(bytes) }
        func store(_ value: UInt64, at offset: Int) {
            for index in 0..<8 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
        }
        let payloadOffset = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[32 + $1]) << (8 * UInt64($1)) }
        store(UInt64(bytes.count), at: 56)
        if payloadOffset <= UInt64(bytes.count) { store(UInt64(bytes.count) - payloadOffset, at: 40) }
        store(bytes[64...].withUnsafeBytes { FNV1a64.hash($0) }, at: 48)
        return Data(bytes)
    }
}
