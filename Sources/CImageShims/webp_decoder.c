// WebP decoding to interleaved 8-bit RGB through libwebp's advanced decoding API (status codes, no longjmp).
#include "CImageShims.h"
#include "shim_message.h"

#include <string.h>
#include <webp/decode.h>

/// Size of the RIFF header: "RIFF", a little-endian u32 size of everything after these 8 bytes, "WEBP".
#define CIS_WEBP_RIFF_HEADER_SIZE 12

static uint32_t cis_read_le32(const uint8_t *bytes) {
    return (uint32_t)bytes[0] | ((uint32_t)bytes[1] << 8) | ((uint32_t)bytes[2] << 16) | ((uint32_t)bytes[3] << 24);
}

/// Maps a libwebp status to ours, with a message naming the step that failed.
static CISStatus cis_webp_status(VP8StatusCode code, const char *step, char *message, size_t capacity) {
    const char *reason;
    CISStatus status;
    switch (code) {
    case VP8_STATUS_OK: return CIS_STATUS_OK;
    case VP8_STATUS_OUT_OF_MEMORY: reason = "out of memory"; status = CIS_STATUS_OUT_OF_MEMORY; break;
    case VP8_STATUS_NOT_ENOUGH_DATA: reason = "data ends before the image is complete";
        status = CIS_STATUS_TRUNCATED_DATA; break;
    case VP8_STATUS_UNSUPPORTED_FEATURE: reason = "unsupported feature"; status = CIS_STATUS_CORRUPT_DATA; break;
    case VP8_STATUS_INVALID_PARAM: reason = "invalid parameter"; status = CIS_STATUS_CORRUPT_DATA; break;
    default: reason = "invalid bitstream"; status = CIS_STATUS_CORRUPT_DATA; break;
    }
    snprintf(message, capacity, "%s: %s (libwebp status %d)", step, reason, (int)code);
    return status;
}

/// libwebp accepts a RIFF header whose declared size exceeds the data when it is not told that all data is present
/// (WebPGetFeatures), and ignores bytes after the declared size. A file cut anywhere must be an error, so the
/// declared size is checked against the data here.
static CISStatus cis_webp_check_container(const uint8_t *data, size_t size, char *message, size_t capacity) {
    if (size < CIS_WEBP_RIFF_HEADER_SIZE || memcmp(data, "RIFF", 4) != 0 || memcmp(data + 8, "WEBP", 4) != 0) {
        if (size < CIS_WEBP_RIFF_HEADER_SIZE) {
            cis_copy_message(message, capacity, "WebP data ends inside the RIFF header");
            return CIS_STATUS_TRUNCATED_DATA;
        }
        cis_copy_message(message, capacity, "missing RIFF/WEBP header");
        return CIS_STATUS_CORRUPT_DATA;
    }
    uint64_t declared = (uint64_t)cis_read_le32(data + 4) + 8;
    if (declared > size) {
        snprintf(message, capacity, "RIFF header declares %llu bytes, only %zu present",
                 (unsigned long long)declared, size);
        return CIS_STATUS_TRUNCATED_DATA;
    }
    return CIS_STATUS_OK;
}

CISStatus cis_webp_read_header(const uint8_t *data, size_t size, CISImageHeader *header, char *message,
                               size_t message_capacity) {
    memset(header, 0, sizeof *header);
    cis_copy_message(message, message_capacity, "");
    if (data == NULL) {
        cis_copy_message(message, message_capacity, "no data");
        return CIS_STATUS_INVALID_ARGUMENT;
    }
    CISStatus container = cis_webp_check_container(data, size, message, message_capacity);
    if (container != CIS_STATUS_OK) {
        return container;
    }
    WebPBitstreamFeatures features;
    CISStatus status = cis_webp_status(WebPGetFeatures(data, size, &features), "WebP header", message,
                                       message_capacity);
    if (status != CIS_STATUS_OK) {
        return status;
    }
    header->width = features.width > 0 ? (uint32_t)features.width : 0;
    header->height = features.height > 0 ? (uint32_t)features.height : 0;
    header->bit_depth = 8;
    header->components = features.has_alpha ? 4 : 3;
    header->color_model = features.has_alpha ? CIS_COLOR_MODEL_RGBA : CIS_COLOR_MODEL_RGB;
    header->interlaced = 0;
    header->animated = features.has_animation ? 1 : 0;
    return CIS_STATUS_OK;
}

CISStatus cis_webp_decode_rgb(const uint8_t *data, size_t size, uint8_t *rgb, size_t rgb_size, char *message,
                              size_t message_capacity) {
    CISImageHeader header;
    CISStatus status = cis_webp_read_header(data, size, &header, message, message_capacity);
    if (status != CIS_STATUS_OK) {
        return status;
    }
    size_t row_size = (size_t)header.width * 3;
    if (rgb == NULL || header.animated || rgb_size != row_size * header.height) {
        cis_copy_message(message, message_capacity,
                         header.animated ? "animated WebP cannot be decoded as one image"
                                         : "RGB buffer size does not match 3 * width * height");
        return CIS_STATUS_INVALID_ARGUMENT;
    }
    WebPDecoderConfig config;
    if (!WebPInitDecoderConfig(&config)) {
        cis_copy_message(message, message_capacity, "libwebp version mismatch");
        return CIS_STATUS_INVALID_ARGUMENT;
    }
    config.output.colorspace = MODE_RGB;
    config.output.is_external_memory = 1;
    config.output.u.RGBA.rgba = rgb;
    config.output.u.RGBA.stride = (int)row_size;
    config.output.u.RGBA.size = rgb_size;
    status = cis_webp_status(WebPDecode(data, size, &config), "WebP image data", message, message_capacity);
    if (status == CIS_STATUS_OK &&
        (config.output.width != (int)header.width || config.output.height != (int)header.height)) {
        cis_copy_message(message, message_capacity, "libwebp decoded a size other than the header's");
        status = CIS_STATUS_CORRUPT_DATA;
    }
    WebPFreeDecBuffer(&config.output);  // releases nothing of ours (external memory), only libwebp's state
    return status;
}

size_t cis_webp_exif(const uint8_t *data, size_t size, const uint8_t **bytes) {
    *bytes = NULL;
    char ignored[CIS_MESSAGE_CAPACITY];
    if (data == NULL || cis_webp_check_container(data, size, ignored, sizeof ignored) != CIS_STATUS_OK) {
        return 0;
    }
    // Chunks follow the 12-byte RIFF header up to the end the header declares: tag (4), little-endian payload
    // size (4), payload, one padding byte after an odd size.
    size_t end = (size_t)cis_read_le32(data + 4) + 8;
    size_t offset = CIS_WEBP_RIFF_HEADER_SIZE;
    while (end - offset >= 8) {
        size_t payload = cis_read_le32(data + offset + 4);
        if (payload > end - offset - 8) {
            return 0;
        }
        if (memcmp(data + offset, "EXIF", 4) == 0) {
            *bytes = data + offset + 8;
            return payload;
        }
        size_t step = 8 + payload + (payload & 1);
        if (step > end - offset) {
            return 0;
        }
        offset += step;
    }
    return 0;
}
