import CImageShims

/// JPEG decoding through libjpeg-turbo: header first, policy checks, then the pixels.
enum JPEGDecoding {
    /// Decodes a complete JPEG stream to RGB.
    ///
    /// Greyscale JPEGs are replicated into R, G and B; YCbCr (and Adobe RGB-transform) JPEGs are converted with
    /// libjpeg's default accurate integer IDCT, colour conversion and "fancy" chroma upsampling, i.e. the same output
    /// as Pillow and OpenCV give with libjpeg-turbo. Warnings after which libjpeg would silently fill the rest of
    /// the image with grey (premature end of file, corrupt entropy-coded data, lost restart markers) are errors.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, limits: ImageSizeLimits) throws -> RGBImage {
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
        case CIS_COLOR_MODEL_GREY, CIS_COLOR_MODEL_RGB, CIS_COLOR_MODEL_YCBCR:
            break
        case CIS_COLOR_MODEL_CMYK:
            throw ImageCodecError.unsupportedColorModel(format: .jpeg, colorModel: "CMYK")
        case CIS_COLOR_MODEL_YCCK:
            throw ImageCodecError.unsupportedColorModel(format: .jpeg, colorModel: "YCCK")
        default:
            throw ImageCodecError.unsupportedColorModel(
                format: .jpeg, colorModel: "unknown \(header.components)-component")
        }
        guard limits.accepts(width: width, height: height) else {
            throw ImageCodecError.imageTooLarge(format: .jpeg, width: width, height: height, limits: limits)
        }

        let pixels = try ShimResults.makePixels(width: width, height: height) { buffer, count in
            try ShimResults.checkDecoding(cis_jpeg_decoder_read_rgb(decoder, buffer, count), format: .jpeg) {
                cis_jpeg_decoder_message(decoder)
            }
        }
        return RGBImage(validatedWidth: width, height: height, pixels: pixels)
    }
}
