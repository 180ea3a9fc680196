// JPEG decoding to interleaved 8-bit RGB through libjpeg-turbo, with every libjpeg call guarded by setjmp.
#include "jpeg_error_bridge.h"
#include "shim_message.h"

#include <stdlib.h>
#include <string.h>
#include <jerror.h>

/// Progressive files with more scans than this are rejected: a crafted file with thousands of tiny scans would
/// otherwise make decoding take minutes (libjpeg-turbo's own tools use the same kind of cap).
#define CIS_JPEG_MAX_SCANS 500

struct CISJPEGDecoder {
    struct jpeg_decompress_struct info;
    CISJPEGErrorBridge errors;
    struct jpeg_progress_mgr progress;
    int header_read;
    /// Set once reading the pixels started: libjpeg releases the saved markers when it finishes or fails.
    int pixels_read;
    /// One row of CMYK samples for CMYK/YCCK files (NULL otherwise); owned by the decoder.
    uint8_t *cmyk_row;
};

static void cis_jpeg_limit_scans(j_common_ptr common) {
    j_decompress_ptr info = (j_decompress_ptr)common;
    if (info->input_scan_number > CIS_JPEG_MAX_SCANS) {
        cis_jpeg_error_bridge_fail(common, CIS_STATUS_CORRUPT_DATA,
                                   "Progressive JPEG has more than 500 scans");
    }
}

/// Records a misuse of the API (no libjpeg call was made, so no jump is needed).
static CISStatus cis_jpeg_decoder_reject(CISJPEGDecoder *decoder, const char *message) {
    cis_copy_message(decoder->errors.message, sizeof decoder->errors.message, message);
    return CIS_STATUS_INVALID_ARGUMENT;
}

static CISColorModel cis_jpeg_color_model(J_COLOR_SPACE space) {
    switch (space) {
    case JCS_GRAYSCALE: return CIS_COLOR_MODEL_GREY;
    case JCS_RGB: return CIS_COLOR_MODEL_RGB;
    case JCS_YCbCr: return CIS_COLOR_MODEL_YCBCR;
    case JCS_CMYK: return CIS_COLOR_MODEL_CMYK;
    case JCS_YCCK: return CIS_COLOR_MODEL_YCCK;
    default: return CIS_COLOR_MODEL_UNKNOWN;
    }
}

CISJPEGDecoder *cis_jpeg_decoder_create(const uint8_t *data, size_t size) {
    CISJPEGDecoder *decoder = calloc(1, sizeof(CISJPEGDecoder));
    if (decoder == NULL) {
        return NULL;
    }
    cis_jpeg_error_bridge_install(&decoder->errors, (j_common_ptr)&decoder->info);
    if (setjmp(decoder->errors.jump)) {
        jpeg_destroy_decompress(&decoder->info);
        free(decoder);
        return NULL;
    }
    jpeg_create_decompress(&decoder->info);
    jpeg_mem_src(&decoder->info, data, (unsigned long)size);
    // Keep APP1 markers (EXIF) for cis_jpeg_decoder_exif; a marker holds at most 65,533 bytes.
    jpeg_save_markers(&decoder->info, JPEG_APP0 + 1, 0xFFFF);
    decoder->progress.progress_monitor = cis_jpeg_limit_scans;
    decoder->info.progress = &decoder->progress;
    return decoder;
}

CISStatus cis_jpeg_decoder_read_header(CISJPEGDecoder *decoder, CISImageHeader *header) {
    if (decoder->header_read) {
        return cis_jpeg_decoder_reject(decoder, "JPEG header was already read");
    }
    if (setjmp(decoder->errors.jump)) {
        if (decoder->errors.base.msg_code == JERR_BAD_PRECISION) {
            header->bit_depth = decoder->info.data_precision;
            return CIS_STATUS_UNSUPPORTED_PRECISION;
        }
        return decoder->errors.failure;
    }
    jpeg_read_header(&decoder->info, TRUE);
    decoder->header_read = 1;
    header->width = decoder->info.image_width;
    header->height = decoder->info.image_height;
    header->bit_depth = decoder->info.data_precision;
    header->components = decoder->info.num_components;
    header->color_model = cis_jpeg_color_model(decoder->info.jpeg_color_space);
    header->interlaced = decoder->info.progressive_mode ? 1 : 0;
    return CIS_STATUS_OK;
}

CISStatus cis_jpeg_decoder_read_rgb(CISJPEGDecoder *decoder, uint8_t *rgb, size_t rgb_size) {
    struct jpeg_decompress_struct *info = &decoder->info;
    if (!decoder->header_read) {
        return cis_jpeg_decoder_reject(decoder, "JPEG header must be read before the pixels");
    }
    J_COLOR_SPACE space = info->jpeg_color_space;
    int four_channel = space == JCS_CMYK || space == JCS_YCCK;
    if (space != JCS_GRAYSCALE && space != JCS_RGB && space != JCS_YCbCr && !four_channel) {
        return cis_jpeg_decoder_reject(decoder, "only grey, RGB, YCbCr, CMYK and YCCK JPEGs can be converted to RGB");
    }
    size_t row_size = (size_t)info->image_width * 3;
    if (rgb == NULL || rgb_size != row_size * info->image_height) {
        return cis_jpeg_decoder_reject(decoder, "RGB buffer size does not match 3 * width * height");
    }
    if (four_channel) {
        decoder->cmyk_row = malloc((size_t)info->image_width * 4);
        if (decoder->cmyk_row == NULL) {
            cis_copy_message(decoder->errors.message, sizeof decoder->errors.message, "out of memory for a CMYK row");
            return CIS_STATUS_OUT_OF_MEMORY;
        }
    }
    if (setjmp(decoder->errors.jump)) {
        return decoder->errors.failure;
    }
    decoder->pixels_read = 1;
    info->out_color_space = four_channel ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(info);
    if (info->output_components != (four_channel ? 4 : 3) || info->output_width != info->image_width ||
        info->output_height != info->image_height) {
        cis_jpeg_error_bridge_fail((j_common_ptr)info, CIS_STATUS_INVALID_ARGUMENT,
                                   "libjpeg did not produce full-size output with the requested channels");
    }
    while (info->output_scanline < info->output_height) {
        uint8_t *rgb_row = rgb + (size_t)info->output_scanline * row_size;
        JSAMPROW row = four_channel ? decoder->cmyk_row : rgb_row;
        if (jpeg_read_scanlines(info, &row, 1) != 1) {
            cis_jpeg_error_bridge_fail((j_common_ptr)info, CIS_STATUS_TRUNCATED_DATA,
                                       "JPEG data ended before the last scanline");
        }
        if (four_channel) {
            const uint8_t *cmyk = decoder->cmyk_row;
            for (JDIMENSION x = 0; x < info->output_width; x++, cmyk += 4, rgb_row += 3) {
                int k = cmyk[3];
                rgb_row[0] = (uint8_t)(k - (((255 - cmyk[0]) * k) >> 8));
                rgb_row[1] = (uint8_t)(k - (((255 - cmyk[1]) * k) >> 8));
                rgb_row[2] = (uint8_t)(k - (((255 - cmyk[2]) * k) >> 8));
            }
        }
    }
    jpeg_finish_decompress(info);
    return CIS_STATUS_OK;
}

size_t cis_jpeg_decoder_exif(const CISJPEGDecoder *decoder, const uint8_t **bytes) {
    static const uint8_t prefix[6] = {'E', 'x', 'i', 'f', 0, 0};
    *bytes = NULL;
    if (!decoder->header_read || decoder->pixels_read) {
        return 0;
    }
    for (jpeg_saved_marker_ptr marker = decoder->info.marker_list; marker != NULL; marker = marker->next) {
        if (marker->marker == JPEG_APP0 + 1 && marker->data_length > sizeof prefix &&
            memcmp(marker->data, prefix, sizeof prefix) == 0) {
            *bytes = marker->data + sizeof prefix;
            return marker->data_length - sizeof prefix;
        }
    }
    return 0;
}

const char *cis_jpeg_decoder_message(const CISJPEGDecoder *decoder) {
    return decoder->errors.message;
}

void cis_jpeg_decoder_destroy(CISJPEGDecoder *decoder) {
    if (decoder != NULL) {
        jpeg_destroy_decompress(&decoder->info);
        free(decoder->cmyk_row);
        free(decoder);
    }
}
