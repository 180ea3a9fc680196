import Foundation

/// A model input read from the fixtures: a raw little-endian Float32 file (NHWC, batch 1), e.g.
/// `Tests/Fixtures/LiteRT/face_landmark/grace_hopper/input.f32`.
struct FixtureInput {
    /// The file, also handed to the LiteRT child so both runtimes see the same values.
    let url: URL
    let values: [Float]

    /// Reads `relativePath` under `root/Tests/Fixtures` and checks it holds exactly `count` floats.
    init(root: URL, _ relativePath: String, count: Int) throws {
        url = root.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relativePath)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw BenchError.badFixture(path: url.path, reason: "cannot be read (\(error.localizedDescription))")
        }
        guard data.count == 4 * count else {
            throw BenchError.badFixture(path: url.path, reason: "\(data.count) bytes, expected \(4 * count) (\(count) floats)")
        }
        values = data.withUnsafeBytes { raw in
            (0..<count).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
            }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw BenchError.badFixture(path: url.path, reason: "value \(bad) is not finite")
        }
    }
}
