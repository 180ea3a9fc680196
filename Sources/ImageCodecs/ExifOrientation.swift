/// The EXIF orientation of a stored picture (TIFF tag 0x0112 "Orientation", values 1...8): how the stored pixel grid
/// must be flipped and/or rotated to show the picture upright. Cameras and phones store portraits sideways and set
/// this tag instead of rotating the pixels; viewers, browsers and OpenCV's `imread` apply it.
///
/// Each case is named after the transform that turns the stored pixels upright (the same transforms, in the same
/// order, as OpenCV's `ExifTransform` in modules/imgcodecs/src/loadsave.cpp).
public enum ExifOrientation: Int, Sendable, CaseIterable {
    /// 1: stored upright.
    case upright = 1
    /// 2: mirror left-right.
    case flipHorizontal = 2
    /// 3: rotate by 180 degrees.
    case rotate180 = 3
    /// 4: mirror top-bottom.
    case flipVertical = 4
    /// 5: transpose (mirror along the top-left to bottom-right diagonal); width and height swap.
    case transpose = 5
    /// 6: rotate 90 degrees clockwise (a phone held upright with the camera on the left); width and height swap.
    case rotate90Clockwise = 6
    /// 7: transverse (mirror along the top-right to bottom-left diagonal); width and height swap.
    case transverse = 7
    /// 8: rotate 90 degrees counter-clockwise; width and height swap.
    case rotate90CounterClockwise = 8

    /// Whether the upright picture has width and height swapped relative to the stored pixels.
    public var swapsWidthAndHeight: Bool { rawValue >= 5 }

    /// Reads the Orientation tag from the first image file directory (IFD0) of an EXIF block's TIFF structure (the
    /// bytes after JPEG APP1's "Exif\0\0" prefix, or a PNG eXIf chunk): byte order "II" (little-endian) or "MM"
    /// (big-endian), the magic 42, the IFD0 offset, then 12-byte entries. Returns nil when the block is malformed or
    /// truncated, has no Orientation tag, or holds a value outside 1...8 (such pictures are shown as stored).
    /// Every read is bounds-checked: the block comes from the file unverified.
    public static func parse<Bytes: RandomAccessCollection>(tiff bytes: Bytes) -> ExifOrientation?
    where Bytes.Element == UInt8, Bytes.Index == Int {
        let start = bytes.startIndex
        let count = bytes.count
        func byte(_ offset: Int) -> Int? { offset >= 0 && offset < count ? Int(bytes[start + offset]) : nil }
        guard let first = byte(0), let second = byte(1), first == second, first == 0x49 || first == 0x4D else {
            return nil
        }
        let littleEndian = first == 0x49
        func u16(_ offset: Int) -> Int? {
            guard let low = byte(offset + (littleEndian ? 0 : 1)), let high = byte(offset + (littleEndian ? 1 : 0))
            else { return nil }
            return high << 8 | low
        }
        func u32(_ offset: Int) -> Int? {
            guard let low = u16(offset + (littleEndian ? 0 : 2)), let high = u16(offset + (littleEndian ? 2 : 0))
            else { return nil }
            return high << 16 | low
        }
        guard u16(2) == 42, let directory = u32(4), let entryCount = u16(directory) else { return nil }
        let orientationTag = 0x0112, shortType = 3
        for entry in 0..<entryCount {
            let offset = directory + 2 + 12 * entry
            guard let tag = u16(offset) else { return nil }
            guard tag == orientationTag else { continue }
            // A SHORT value of count 1 sits in the first two bytes of the 4-byte value field.
            guard u16(offset + 2) == shortType, u32(offset + 4) == 1, let value = u16(offset + 8) else { return nil }
            return ExifOrientation(rawValue: value)
        }
        return nil
    }

    /// Applies the orientation to interleaved 8-bit RGB pixels (row-major, `3 * width` bytes per row) and returns the
    /// upright pixels with their width and height (swapped for orientations 5...8). `pixels.count` must be
    /// `3 * width * height`.
    func upright(pixels: [UInt8], width: Int, height: Int) -> (pixels: [UInt8], width: Int, height: Int) {
        precondition(pixels.count == 3 * width * height, "pixel count does not match the size")
        if self == .upright { return (pixels, width, height) }
        let map = sourceMap(width: width, height: height)
        let outputWidth = swapsWidthAndHeight ? height : width
        let outputHeight = swapsWidthAndHeight ? width : height
        let output = [UInt8](unsafeUninitializedCapacity: pixels.count) { buffer, initializedCount in
            pixels.withUnsafeBufferPointer { source in
                guard let sourceBase = source.baseAddress, let destination = buffer.baseAddress else { return }
                // Source pixel of output (x, y): origin + x * columnStep + y * rowStep (in pixels).
                for y in 0..<outputHeight {
                    var sourcePixel = map.origin + y * map.rowStep
                    let destinationRow = destination + 3 * y * outputWidth
                    if map.columnStep == 1 {
                        destinationRow.initialize(from: sourceBase + 3 * sourcePixel, count: 3 * outputWidth)
                        continue
                    }
                    for x in 0..<outputWidth {
                        let from = sourceBase + 3 * sourcePixel
                        let to = destinationRow + 3 * x
                        to[0] = from[0]
                        to[1] = from[1]
                        to[2] = from[2]
                        sourcePixel += map.columnStep
                    }
                }
            }
            initializedCount = pixels.count
        }
        return (output, outputWidth, outputHeight)
    }

    /// The stored pixel shown at upright position (0, 0), and the steps (in pixels of the stored row-major grid)
    /// from one upright column and one upright row to the next.
    private func sourceMap(width: Int, height: Int) -> (origin: Int, columnStep: Int, rowStep: Int) {
        let lastRow = (height - 1) * width
        switch self {
        case .upright: return (0, 1, width)
        case .flipHorizontal: return (width - 1, -1, width)
        case .rotate180: return (lastRow + width - 1, -1, -width)
        case .flipVertical: return (lastRow, 1, -width)
        case .transpose: return (0, width, 1)
        case .rotate90Clockwise: return (lastRow, -width, 1)
        case .transverse: return (lastRow + width - 1, -width, -1)
        case .rotate90CounterClockwise: return (width - 1, width, -1)
        }
    }

    // MARK: - Reference

    /// Plain per-pixel reference of `upright(pixels:width:height:)`, written from the geometric definition of each
    /// transform: the stored position (x, y) of the pixel shown at upright position (column, row).
    func referenceUpright(pixels: [UInt8], width: Int, height: Int) -> (pixels: [UInt8], width: Int, height: Int) {
        let outputWidth = swapsWidthAndHeight ? height : width
        let outputHeight = swapsWidthAndHeight ? width : height
        var output = [UInt8](repeating: 0, count: pixels.count)
        for row in 0..<outputHeight {
            for column in 0..<outputWidth {
                let (x, y): (Int, Int)
                switch self {
                case .upright: (x, y) = (column, row)
                case .flipHorizontal: (x, y) = (width - 1 - column, row)
                case .rotate180: (x, y) = (width - 1 - column, height - 1 - row)
                case .flipVertical: (x, y) = (column, height - 1 - row)
                case .transpose: (x, y) = (row, column)
                case .rotate90Clockwise: (x, y) = (row, height - 1 - column)
                case .transverse: (x, y) = (width - 1 - row, height - 1 - column)
                case .rotate90CounterClockwise: (x, y) = (width - 1 - row, column)
                }
                for channel in 0..<3 {
                    output[3 * (row * outputWidth + column) + channel] = pixels[3 * (y * width + x) + channel]
                }
            }
        }
        return (output, outputWidth, outputHeight)
    }
}
