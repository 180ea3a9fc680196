// CImageShims: thin C wrappers around libjpeg-turbo, libpng 1.6 and libwebp for the Swift module ImageCodecs.
//
// libjpeg and libpng report fatal errors through callbacks that must not return (libjpeg's error_exit, libpng's
// error_fn); the only safe way out is setjmp/longjmp, which Swift cannot express. Every function here arms its own
// setjmp before calling into the library, so a corrupt or truncated file turns into a status code plus a message
// instead of a process exit (libwebp returns status codes and needs no such guard). The wrappers only provide
// mechanism (read a header, read pixels as 8-bit RGB, find the EXIF block, encode); all policy (size limits, which
// colour models are accepted, EXIF orientation) lives in Swift.
//
// Each handle is independent and owns all of its state; there is no global mutable state, so different handles may
// be used on different threads at the same time. A single handle must not be used from two threads at once.
#ifndef CIMAGESHIMS_H
#define CIMAGESHIMS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Outcome of a shim call.
typedef enum {
    CIS_STATUS_OK = 0,
    /// The library rejected the data (corrupt stream, bad CRC, invalid parameters); see the handle's message.
    CIS_STATUS_CORRUPT_DATA = 1,
    /// The data ended before the image was complete.
    CIS_STATUS_TRUNCATED_DATA = 2,
    /// The library or the shim could not allocate memory.
    CIS_STATUS_OUT_OF_MEMORY = 3,
    /// The caller passed inconsistent arguments (wrong buffer size, calls out of order, unsupported layout).
    CIS_STATUS_INVALID_ARGUMENT = 4,
    /// The JPEG uses a sample precision this libjpeg build cannot decode (12 or 16 bits); the header's bit_depth
    /// holds it.
    CIS_STATUS_UNSUPPORTED_PRECISION = 5,
} CISStatus;

/// Colour model of a compressed image, as stored in the file.
typedef enum {
    CIS_COLOR_MODEL_UNKNOWN = 0,
    CIS_COLOR_MODEL_GREY = 1,
    CIS_COLOR_MODEL_GREY_ALPHA = 2,
    CIS_COLOR_MODEL_RGB = 3,
    CIS_COLOR_MODEL_RGBA = 4,
    CIS_COLOR_MODEL_PALETTE = 5,
    CIS_COLOR_MODEL_YCBCR = 6,
    CIS_COLOR_MODEL_CMYK = 7,
    CIS_COLOR_MODEL_YCCK = 8,
} CISColorModel;

/// What a decoder learned from the file header, before any pixel memory is allocated.
typedef struct {
    /// Image width and height in pixels, as declared by the header.
    uint32_t width;
    uint32_t height;
    /// Bits per sample as stored (JPEG: always 8 for the baseline/progressive 8-bit files libjpeg decodes).
    int32_t bit_depth;
    /// Number of colour components as stored (palette PNG: 1).
    int32_t components;
    CISColorModel color_model;
    /// Non-zero for an Adam7-interlaced PNG or a progressive JPEG.
    int32_t interlaced;
    /// WebP only: non-zero for an animated file (several frames; not decoded).
    int32_t animated;
} CISImageHeader;

// MARK: - JPEG decoding

/// Opaque JPEG decoder over a caller-owned byte buffer, which must stay valid until the decoder is destroyed.
typedef struct CISJPEGDecoder CISJPEGDecoder;

/// Creates a decoder reading `size` bytes at `data`. Returns NULL if memory is exhausted.
CISJPEGDecoder *cis_jpeg_decoder_create(const uint8_t *data, size_t size);
/// Parses the markers up to the first scan and fills `header`. Call once, before `cis_jpeg_decoder_read_rgb`.
/// Returns CIS_STATUS_UNSUPPORTED_PRECISION (with only `header->bit_depth` filled) for 12/16-bit JPEGs.
CISStatus cis_jpeg_decoder_read_header(CISJPEGDecoder *decoder, CISImageHeader *header);
/// Decodes the whole image as interleaved 8-bit RGB into `rgb` (row-major, 3 * width bytes per row, exactly
/// `rgb_size` = 3 * width * height bytes). Greyscale is replicated into R, G and B; YCbCr is converted to RGB.
/// CMYK and YCCK are read as CMYK (libjpeg turns YCCK into CMYK) and converted per sample as OpenCV's JPEG decoder
/// does (modules/imgcodecs/src/utils.cpp, icvCvt_CMYK2BGR_8u_C4C3R), which reads the samples the way Adobe
/// applications write them, inverted (0 = full ink): R = K - ((255 - C) * K >> 8), likewise G from M and B from Y.
/// Warnings that mean pixel data is missing or garbled (premature end of file, bad Huffman/arithmetic code, premature
/// end of a data segment, lost restart marker synchronisation, inconsistent progression) are reported as errors.
/// Fails with CIS_STATUS_INVALID_ARGUMENT for other colour models.
CISStatus cis_jpeg_decoder_read_rgb(CISJPEGDecoder *decoder, uint8_t *rgb, size_t rgb_size);
/// The EXIF block of the first APP1 marker that starts with "Exif\0\0": sets `*bytes` to the TIFF structure after
/// that 6-byte prefix and returns its length, or returns 0 (and sets `*bytes` to NULL) when the file has none.
/// Call after `cis_jpeg_decoder_read_header` succeeded and before `cis_jpeg_decoder_read_rgb`, which releases the
/// saved markers (libjpeg frees them with the image's memory pool); the bytes stay valid until then.
size_t cis_jpeg_decoder_exif(const CISJPEGDecoder *decoder, const uint8_t **bytes);
/// Human-readable description of the last failure (empty string if none). Valid until the decoder is destroyed.
const char *cis_jpeg_decoder_message(const CISJPEGDecoder *decoder);
/// Releases the decoder and everything it allocated. Accepts NULL.
void cis_jpeg_decoder_destroy(CISJPEGDecoder *decoder);

// MARK: - PNG decoding

/// Opaque PNG decoder over a caller-owned byte buffer, which must stay valid until the decoder is destroyed.
typedef struct CISPNGDecoder CISPNGDecoder;

/// Creates a decoder reading `size` bytes at `data`. Returns NULL if memory is exhausted.
CISPNGDecoder *cis_png_decoder_create(const uint8_t *data, size_t size);
/// Reads the signature and all chunks before the first IDAT and fills `header`. Call once, before reading pixels.
CISStatus cis_png_decoder_read_header(CISPNGDecoder *decoder, CISImageHeader *header);
/// Decodes the whole image as interleaved 8-bit RGB into `rgb` (row-major, 3 * width bytes per row, exactly
/// `rgb_size` = 3 * width * height bytes), then reads to the IEND chunk so that a file cut anywhere is an error.
/// Palette images are expanded, 1/2/4-bit grey is scaled to 8 bits, 16-bit samples keep their high byte (v >> 8,
/// libpng's png_set_strip_16, as OpenCV's PNG decoder does), grey is replicated into R, G and B, and any alpha
/// channel or tRNS transparency is dropped (colour samples are kept as stored, not composited). Interlaced images
/// are de-interlaced. No gamma or colour-profile conversion is applied.
CISStatus cis_png_decoder_read_rgb(CISPNGDecoder *decoder, uint8_t *rgb, size_t rgb_size);
/// The contents of the eXIf chunk (a TIFF structure, "II*\0" or "MM\0*" first): sets `*bytes` and returns its
/// length, or returns 0 (and sets `*bytes` to NULL) when the file has none. An eXIf chunk before the image data is
/// known after `cis_png_decoder_read_header`, one after it only after `cis_png_decoder_read_rgb` succeeded.
/// Valid until the decoder is destroyed.
size_t cis_png_decoder_exif(const CISPNGDecoder *decoder, const uint8_t **bytes);
/// Human-readable description of the last failure (empty string if none). Valid until the decoder is destroyed.
const char *cis_png_decoder_message(const CISPNGDecoder *decoder);
/// Releases the decoder and everything it allocated. Accepts NULL.
void cis_png_decoder_destroy(CISPNGDecoder *decoder);

// MARK: - WebP decoding

/// Reads a WebP file's header (the RIFF container and the VP8/VP8L/VP8X chunk) from `size` bytes at `data` and
/// fills `header`: width and height of the canvas, bit_depth 8, components 4 with an alpha channel and 3 without,
/// color_model RGBA or RGB, interlaced 0, animated for animations. Allocates nothing. Fails with
/// CIS_STATUS_TRUNCATED_DATA when the data ends inside the header or before the size the RIFF header declares, and
/// CIS_STATUS_CORRUPT_DATA when the header is invalid. `message` (`message_capacity` bytes, NUL-terminated) receives
/// a description of a failure.
CISStatus cis_webp_read_header(const uint8_t *data, size_t size, CISImageHeader *header, char *message,
                               size_t message_capacity);
/// Decodes a still WebP image (lossy, lossless, with or without alpha) as interleaved 8-bit RGB into `rgb`
/// (row-major, 3 * width bytes per row, exactly `rgb_size` = 3 * width * height bytes) with libwebp's default
/// settings (lossy: "fancy" chroma upsampling). Alpha is dropped (colour samples as stored, not composited).
/// Data that ends before the image is complete fails with CIS_STATUS_TRUNCATED_DATA, invalid data with
/// CIS_STATUS_CORRUPT_DATA; `message` receives a description of a failure.
CISStatus cis_webp_decode_rgb(const uint8_t *data, size_t size, uint8_t *rgb, size_t rgb_size, char *message,
                              size_t message_capacity);
/// The EXIF block of an extended (VP8X) WebP file: finds the first "EXIF" chunk of the RIFF container and sets
/// `*bytes` to its payload (a TIFF structure; a payload with the JPEG-style "Exif\0\0" prefix, which some writers
/// add, is returned as it is and fails to parse, as in OpenCV), returning its length; returns 0 (and sets `*bytes`
/// to NULL) when there is none or a chunk header runs past the data. Allocates nothing.
size_t cis_webp_exif(const uint8_t *data, size_t size, const uint8_t **bytes);

// MARK: - Encoding

/// Result of an encoder call: either compressed bytes or a failure status with a message.
typedef struct CISEncodedImage CISEncodedImage;

/// Encodes interleaved 8-bit RGB (3 * width bytes per row, `rgb_size` = 3 * width * height) as an 8-bit RGB,
/// non-interlaced PNG with the default zlib compression level. Returns NULL only if memory is exhausted.
CISEncodedImage *cis_png_encode_rgb(const uint8_t *rgb, size_t rgb_size, uint32_t width, uint32_t height);
/// Encodes interleaved 8-bit RGB as a baseline JFIF JPEG (YCbCr, 4:2:0 chroma subsampling, optimised Huffman
/// tables) with the libjpeg quality scale `quality` in 1...100. Returns NULL only if memory is exhausted.
CISEncodedImage *cis_jpeg_encode_rgb(const uint8_t *rgb, size_t rgb_size, uint32_t width, uint32_t height,
                                     int quality);
/// Status of the encoding.
CISStatus cis_encoded_image_status(const CISEncodedImage *image);
/// Compressed bytes (NULL unless the status is CIS_STATUS_OK).
const uint8_t *cis_encoded_image_bytes(const CISEncodedImage *image);
/// Number of compressed bytes (0 unless the status is CIS_STATUS_OK).
size_t cis_encoded_image_count(const CISEncodedImage *image);
/// Human-readable description of the failure (empty string on success).
const char *cis_encoded_image_message(const CISEncodedImage *image);
/// Releases the result. Accepts NULL.
void cis_encoded_image_destroy(CISEncodedImage *image);

#ifdef __cplusplus
}
#endif

#endif
