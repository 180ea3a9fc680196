import CImageShims

/// PNG decoding through libpng: header first, policy checks, then the pixels.
enum PNGDecoding {
    /// Decodes a complete PNG stream to RGB as stored, and reads the EXIF orientation of its eXIf chunk (before or
    /// after the image data; nil when there is none or it is invalid).
    ///
    /// Accepted: 8/16-bit RGB and RGBA, 1/2/4/8/16-bit greyscale (1/2/4 bits scaled to 8: a 1-bit 1 becomes 255, a
    /// 2-bit 1 becomes 85, a 4-bit 1 becomes 17) with or without alpha, and palette images of any bit depth
    /// (expanded). 16-bit samples keep their high byte (v >> 8, as OpenCV's `imread` does; not rounded).
    /// Alpha channels and tRNS transparency are ignored: the stored colour samples are returned unchanged, not
    /// composited over a background (the same as Pillow's `convert("RGB")`). Interlaced images are de-interlaced.
    /// Gamma, colour-profile and background chunks are ignored. The file must be complete up to the IEND chunk.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>,
                       limits: ImageSizeLimits) throws -> (image: RGBImage, orientation: ExifOrientation?) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { throw ImageCodecError.emptyData }
        guard let decoder = cis_png_decoder_create(base, bytes.count) else {
            throw ImageCodecError.outOfMemory(format: .png)
        }
        defer { cis_png_decoder_destroy(decoder) }

        var header = CISImageHeader()
        try ShimResults.checkDecoding(cis_png_decoder_read_header(decoder, &header), format: .png) {
            cis_png_decoder_message(decoder)
        }
        let width = Int(header.width)
        let height = Int(header.height)
        guard width > 0, height > 0 else { throw ImageCodecError.invalidDimensions(width: width, height: height) }
        guard header.bit_depth <= 8 || header.bit_depth == 16 else {
            throw ImageCodecError.unsupportedBitDepth(format: .png, bitDepth: Int(header.bit_depth))
        }
        guard header.color_model != CIS_COLOR_MODEL_UNKNOWN else {
            throw ImageCodecError.unsupportedColorModel(format: .png, colorModel: "unknown")
        }
        guard limits.accepts(width: width, height: height) else {
            throw ImageCodecError.imageTooLarge(format: .png, width: width, height: height, limits: limits)
        }

        let pixels = try ShimResults.makePixels(width: width, height: height) { buffer, count in
            try ShimResults.checkDecoding(cis_png_decoder_read_rgb(decoder, buffer, count), format: .png) {
                cis_png_decoder_message(decoder)
            }
        }
        var exif: UnsafePointer<UInt8>?
        let exifCount = cis_png_decoder_exif(decoder, &exif)
        let orientation = exif.flatMap { ExifOrientation.parse(tiff: UnsafeBufferPointer(start: $0, count: exifCount)) }
        return (RGBImage(validatedWidth: width, height: height, pixels: pixels), orientation)
    }
}
