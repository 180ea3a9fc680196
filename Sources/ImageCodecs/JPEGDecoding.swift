import CImageShims

/// JPEG decoding through libjpeg-turbo: header first, policy checks, then the pixels.
enum JPEGDecoding {
    /// Decodes a complete JPEG stream to RGB as stored, and reads the EXIF orientation of its APP1 marker (nil when
    /// there is none or it is invalid).
    ///
    /// Greyscale JPEGs are replicated into R, G and B; YCbCr (and Adobe RGB-transform) JPEGs are converted with
    /// libjpeg's default accurate integer IDCT, colour conversion and "fancy" chroma upsampling, i.e. the same output
    /// as Pillow and OpenCV give with libjpeg-turbo. CMYK and YCCK JPEGs (libjpeg turns YCCK into CMYK) are converted
    /// with OpenCV's formula for Adobe's inverted samples, R = K - ((255 - C) * K >> 8) (see
    /// Sources/CImageShims/include/CImageShims.h). Warnings after which libjpeg would silently fill the rest of
    /// the image with grey (premature end of file, corrupt entropy-coded data, lost restart markers) are errors.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>,
                       limits: ImageSizeLimits) throws -> (image: RGBImage, orientation: ExifOrientation?) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { throw ImageCodecError.emptyData }
        guard let decoder = cis_jpeg_decoder_create(base, bytes.count) else {
            throw ImageCodecError.outOfMemory(format: .jpeg)
        }
        defer { cis_jpeg_decoder_destroy(decoder) }

        var header = CISImageHeader()
        let headerStatus = cis_jpeg_decoder_read_header(decoder, &header)
        if headerStatus == CIS_STATUS_UNSUPPORTED_PRECISION {
            throw ImageCodecError.unsupportedBitDepth(format: .jpeg, bitDepth: Int(header.bit_depth))
        }
        try ShimResults.checkDecoding(headerStatus, format: .jpeg) {
            cis_jpeg_decoder_message(decoder)
        }
        let width = Int(header.width)
        let height = Int(header.height)
        guard width > 0, height > 0 else { throw ImageCodecError.invalidDimensions(width: width, height: height) }
        guard header.bit_depth == 8 else {
            throw ImageCodecError.unsupportedBitDepth(format: .jpeg, bitDepth: Int(header.bit_depth))
        }
        switch header.color_model {
        case CIS_COLOR_MODEL_GREY, CIS_COLOR_MODEL_RGB, CIS_COLOR_MODEL_YCBCR, CIS_COLOR_MODEL_CMYK,
             CIS_COLOR_MODEL_YCCK:
            break
        default:
            throw ImageCodecError.unsupportedColorModel(
                format: .jpeg, colorModel: "unknown \(header.components)-component")
        }
        guard limits.accepts(width: width, height: height) else {
            throw ImageCodecError.imageTooLarge(format: .jpeg, width: width, height: height, limits: limits)
        }

        // The saved markers are released when the pixels have been read.
        var exif: UnsafePointer<UInt8>?
        let exifCount = cis_jpeg_decoder_exif(decoder, &exif)
        let orientation = exif.flatMap { ExifOrientation.parse(tiff: UnsafeBufferPointer(start: $0, count: exifCount)) }
        let pixels = try ShimResults.makePixels(width: width, height: height) { buffer, count in
            try ShimResults.checkDecoding(cis_jpeg_decoder_read_rgb(decoder, buffer, count), format: .jpeg) {
                cis_jpeg_decoder_message(decoder)
            }
        }
        return (RGBImage(validatedWidth: width, height: height, pixels: pixels), orientation)
    }
}
