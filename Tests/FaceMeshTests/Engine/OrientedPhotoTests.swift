import Foundation
import XCTest
import FaceMesh
@testable import ImageCodecs
import TestSupport

/// A photo stored sideways or mirrored with an EXIF orientation gives the landmarks of the upright photo: the decoder
/// turns it upright before the pipeline sees it.
final class OrientedPhotoTests: XCTestCase {
    /// For each of the 8 orientations, the upright photo is stored with the inverse transform in a PNG (lossless)
    /// whose eXIf chunk holds the orientation (little- and big-endian alternately). Measured: the landmarks equal the
    /// upright photo's exactly (0 px) for all 8; the bound is the 0.01 px.
    func testLandmarksOfEveryOrientationEqualTheUprightPhotos() throws {
        let upright = try TestFiles.frame("Tests/Fixtures/Images/mpl_grace_hopper.jpg")
        let engine = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: true,
                                                                 weightsDirectory: TestFiles.weights))
        let reference = try XCTUnwrap(engine.process(upright).first).landmarks
        for value in 1...8 {
            let storing = try XCTUnwrap(ExifOrientation(rawValue: ExifTestFiles.inverseOrientation(value)))
            let stored = storing.referenceUpright(pixels: upright.pixels, width: upright.width, height: upright.height)
            let encoded = try PNGEncoder.encode(RGBImage(width: stored.width, height: stored.height,
                                                         pixels: stored.pixels))
            let block = ExifTestFiles.orientationBlock(value, bigEndian: value % 2 == 0)
            let file = Data(ExifTestFiles.insertingChunk("eXIf", payload: block, into: [UInt8](encoded)))

            let decoded = try ImageDecoder.decode(data: file)
            XCTAssertEqual([decoded.width, decoded.height], [upright.width, upright.height], "orientation \(value)")
            let landmarks = try XCTUnwrap(engine.process(decoded).first, "orientation \(value)").landmarks
            XCTAssertEqual(landmarks.count, reference.count)
            let largestOffset = zip(landmarks, reference).map { max(abs($0.x - $1.x), abs($0.y - $1.y)) }.max() ?? 0
            XCTAssertLessThanOrEqual(largestOffset, 0.01, "orientation \(value)")

            let kept = try ImageDecoder.decode(data: file, ignoringOrientation: true)
            XCTAssertEqual([kept.width, kept.height], [stored.width, stored.height], "orientation \(value)")
        }
    }
}
