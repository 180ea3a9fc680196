import CImageShims

/// WebP decoding through libwebp: header first, policy checks, then the pixels.
enum WebPDecoding {
    /// Decodes a complete still WebP file (lossy VP8 or lossless VP8L, with or without alpha, simple or extended
    /// VP8X container) to RGB.
    ///
    /// Lossy images are converted from YUV 4:2:0 with libwebp's default "fancy" chroma upsampling (as OpenCV's and
    /// Pillow's WebP readers do); alpha is ignored (the stored colour samples are returned, not composited). The
    /// canvas size from the header is checked against `limits` before any pixel memory is allocated. A file shorter
    /// than its RIFF header declares is `truncatedData`; animations throw `animatedImage`. Also returns the EXIF
    /// orientation of an extended file's EXIF chunk (nil when there is none or it is invalid); OpenCV's `imread`
    /// applies it to WebP as well.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>,
                       limits: ImageSizeLimits) throws -> (image: RGBImage, orientation: ExifOrientation?) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { throw ImageCodecError.emptyData }
        var message = [CChar](repeating: 0, count: 256)
        var header = CISImageHeader()
        let headerStatus = cis_webp_read_header(base, bytes.count, &header, &message, message.count)
        try ShimResults.checkDecoding(headerStatus, format: .webp) { message.withUnsafeBufferPointer { $0.baseAddress } }
        let width = Int(header.width)
        let height = Int(header.height)
        guard width > 0, height > 0 else { throw ImageCodecError.invalidDimensions(width: width, height: height) }
        guard header.animated == 0 else { throw ImageCodecError.animatedImage(format: .webp) }
        guard limits.accepts(width: width, height: height) else {
            throw ImageCodecError.imageTooLarge(format: .webp, width: width, height: height, limits: limits)
        }
        let pixels = try ShimResults.makePixels(width: width, height: height) { buffer, count in
            let status = cis_webp_decode_rgb(base, bytes.count, buffer, count, &message, message.count)
            try ShimResults.checkDecoding(status, format: .webp) { message.withUnsafeBufferPointer { $0.baseAddress } }
        }
        var exif: UnsafePointer<UInt8>?
        let exifCount = cis_webp_exif(base, bytes.count, &exif)
        let orientation = exif.flatMap { ExifOrientation.parse(tiff: UnsafeBufferPointer(start: $0, count: exifCount)) }
        return (RGBImage(validatedWidth: width, height: height, pixels: pixels), orientation)
    }
}
