import Foundation
import XCTest
@testable import ImageCodecs
import TestSupport

/// Damage that gets past the first line of defence: PNG chunks whose CRC is recomputed after the change (so libpng
/// parses the damaged header, palette and zlib stream instead of stopping at the checksum), and JPEG bytes changed
/// in the marker segments and the entropy-coded data. Whatever the damage, decoding must end in an
/// `ImageCodecError` or in an image that keeps its invariants, and the same bytes must always decode the same way
/// (a difference would mean uninitialised memory reaches the pixels). Mirrors the FuzzImageDecoder fuzz target.
final class DamagedImageTests: XCTestCase {
    private enum Outcome: Equatable {
        case image(RGBImage)
        case error(ImageCodecError)
    }

    private func decode(_ data: Data, _ what: String, file: StaticString = #filePath, line: UInt = #line) -> Outcome? {
        do {
            let image = try ImageDecoder.decode(data: data)
            XCTAssertGreaterThanOrEqual(image.width, 1, what, file: file, line: line)
            XCTAssertGreaterThanOrEqual(image.height, 1, what, file: file, line: line)
            XCTAssertTrue(ImageSizeLimits.default.accepts(width: image.width, height: image.height), what,
                          file: file, line: line)
            XCTAssertEqual(image.pixels.count, 3 * image.width * image.height, what, file: file, line: line)
            return .image(image)
        } catch let error as ImageCodecError {
            XCTAssertFalse(error.description.isEmpty, file: file, line: line)
            return .error(error)
        } catch {
            XCTFail("\(what): \(type(of: error)) is not an ImageCodecError: \(error)", file: file, line: line)
            return nil
        }
    }

    /// Decodes twice and checks that both attempts agree; returns the outcome.
    private func decodeTwice(_ data: Data, _ what: String) -> Outcome? {
        let first = decode(data, what)
        let second = decode(data, what)
        XCTAssertEqual(first, second, "\(what): two decodes of the same bytes differ")
        return first
    }

    func testCRC32MatchesThePNGStandard() {
        // Every PNG ends with IEND and the CRC AE 42 60 82 over its type field.
        XCTAssertEqual(pngChunkCRC(Array("IEND".utf8)), 0xAE42_6082)
        XCTAssertEqual(pngChunkCRC(Array("123456789".utf8)), 0xCBF4_3926)  // the CRC-32 check value
    }

    func testCRCRepairedPNGDamageNeverTraps() throws {
        var generator = SplitMix64(seed: 0x5046_555A)
        var outcomes = (decoded: 0, refused: 0)
        for name in ["rgb_8bit.png", "palette_8bit.png", "interlaced_rgb_8bit.png", "grey_trns_8bit.png",
                     "grey_1bit.png", "palette_2bit.png"] {
            let original = try CodecFixtures.data(name)
            let chunks = Self.chunks(of: original)
            XCTAssertEqual(chunks.first?.type, "IHDR", name)
            XCTAssertEqual(chunks.last?.type, "IEND", name)
            let damageable = chunks.filter { $0.dataRange.count > 0 }
            for attempt in 0..<300 {
                let chunk = damageable[Int(generator.next() % UInt64(damageable.count))]
                var bytes = [UInt8](original)
                let position = chunk.dataRange.lowerBound + Int(generator.next() % UInt64(chunk.dataRange.count))
                bytes[position] ^= UInt8(truncatingIfNeeded: generator.next() % 255 + 1)
                Self.resealCRC(of: chunk, in: &bytes)
                switch decodeTwice(Data(bytes), "\(name) \(chunk.type) byte \(position) (attempt \(attempt))") {
                case .image?: outcomes.decoded += 1
                case .error?: outcomes.refused += 1
                case nil: break
                }
            }
        }
        // Both kinds of outcome occur: header and zlib damage is refused, palette or filter-byte damage can decode.
        XCTAssertGreaterThan(outcomes.refused, 0)
        XCTAssertGreaterThan(outcomes.decoded, 0)
    }

    func testJPEGDamageNeverTraps() throws {
        var generator = SplitMix64(seed: 0x4A50_4547)
        var outcomes = (decoded: 0, refused: 0)
        for name in ["rgb_q95.jpg", "progressive_q90.jpg", "grey_q95.jpg", "rgb_colorspace_q95.jpg"] {
            let original = try CodecFixtures.data(name)
            for attempt in 0..<300 {
                var bytes = [UInt8](original)
                // One to three changed bytes after the SOI marker.
                for _ in 0...(generator.next() % 3) {
                    let position = 2 + Int(generator.next() % UInt64(bytes.count - 2))
                    bytes[position] ^= UInt8(truncatingIfNeeded: generator.next() % 255 + 1)
                }
                switch decodeTwice(Data(bytes), "\(name) attempt \(attempt)") {
                case .image?: outcomes.decoded += 1
                case .error?: outcomes.refused += 1
                case nil: break
                }
            }
        }
        XCTAssertGreaterThan(outcomes.refused, 0)
        XCTAssertGreaterThan(outcomes.decoded, 0)
    }

    // MARK: - PNG chunk surgery (written from the PNG specification: length, type, data, CRC over type + data)

    private struct Chunk {
        let type: String
        let typeOffset: Int
        let dataRange: Range<Int>
    }

    private static func chunks(of data: Data) -> [Chunk] {
        let bytes = [UInt8](data)
        var chunks: [Chunk] = []
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let typeOffset = offset + 4
            let type = String(decoding: bytes[typeOffset..<(typeOffset + 4)], as: UTF8.self)
            let dataStart = typeOffset + 4
            chunks.append(Chunk(type: type, typeOffset: typeOffset, dataRange: dataStart..<(dataStart + length)))
            offset = typeOffset + 8 + length
        }
        return chunks
    }

    private static func resealCRC(of chunk: Chunk, in bytes: inout [UInt8]) {
        let crc = pngChunkCRC(Array(bytes[chunk.typeOffset..<chunk.dataRange.upperBound]))
        for index in 0..<4 {
            bytes[chunk.dataRange.upperBound + index] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(index)))
        }
    }
}
