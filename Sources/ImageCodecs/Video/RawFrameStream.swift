import Foundation

/// Cuts a byte stream of packed RGB24 frames (`width × height × 3` bytes each, rows top to bottom, no padding)
/// into `RGBImage`s, reading exactly one frame's bytes per call from a file descriptor (a pipe, a file or a
/// terminal; short reads are continued).
struct RawFrameStream {
    let width: Int
    let height: Int
    /// Bytes per frame: width × height × 3.
    let frameByteCount: Int
    private let descriptor: Int32

    /// - Throws: `VideoError.invalidFrameSize` if a side is not positive or a frame's byte count overflows.
    init(descriptor: Int32, width: Int, height: Int) throws {
        frameByteCount = try RawFrameStream.frameByteCount(width: width, height: height)
        self.width = width
        self.height = height
        self.descriptor = descriptor
    }

    /// width × height × 3.
    /// - Throws: `VideoError.invalidFrameSize` if a side is not positive or the product overflows.
    static func frameByteCount(width: Int, height: Int) throws -> Int {
        guard width > 0, height > 0 else { throw VideoError.invalidFrameSize(width: width, height: height) }
        let (pixels, pixelOverflow) = width.multipliedReportingOverflow(by: height)
        let (bytes, byteOverflow) = pixels.multipliedReportingOverflow(by: 3)
        guard !pixelOverflow, !byteOverflow else { throw VideoError.invalidFrameSize(width: width, height: height) }
        return bytes
    }

    /// The next frame, or nil at end of stream exactly on a frame boundary.
    /// - Throws: `VideoError.partialFrame` if the stream ends inside a frame, `.inputOutput` if reading fails.
    func next() throws -> RGBImage? {
        var pixels = [UInt8](repeating: 0, count: frameByteCount)
        var filled = 0
        try pixels.withUnsafeMutableBytes { buffer in
            while filled < frameByteCount {
                let count = read(descriptor, buffer.baseAddress! + filled, frameByteCount - filled)
                if count > 0 {
                    filled += count
                } else if count == 0 {
                    break
                } else if errno != EINTR {
                    throw VideoError.inputOutput(String(cString: strerror(errno)))
                }
            }
        }
        if filled == 0 { return nil }
        guard filled == frameByteCount else {
            throw VideoError.partialFrame(expected: frameByteCount, actual: filled)
        }
        return RGBImage(validatedWidth: width, height: height, pixels: pixels)
    }
}
