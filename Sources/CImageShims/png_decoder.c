// PNG decoding to interleaved 8-bit RGB through libpng 1.6, with every libpng call guarded by setjmp.
#include "CImageShims.h"
#include "shim_message.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

struct CISPNGDecoder {
    png_structp png;
    png_infop info;
    jmp_buf jump;
    CISStatus failure;
    char message[CIS_MESSAGE_CAPACITY];
    /// The last warning, appended to an error's message: libpng often warns with the details ("Image width is
    /// zero in IHDR") right before failing with a generic error ("Invalid IHDR data").
    char last_warning[CIS_MESSAGE_CAPACITY];
    const uint8_t *data;
    size_t size;
    size_t offset;
    png_bytep *rows;
    int header_read;
};

static void cis_png_error(png_structp png, png_const_charp message) {
    CISPNGDecoder *decoder = png_get_error_ptr(png);
    if (decoder->failure == CIS_STATUS_OK) {
        decoder->failure = CIS_STATUS_CORRUPT_DATA;
        if (decoder->last_warning[0] != '\0') {
            snprintf(decoder->message, sizeof decoder->message, "%s (last warning: %s)", message,
                     decoder->last_warning);
        } else {
            cis_copy_message(decoder->message, sizeof decoder->message, message);
        }
    }
    longjmp(decoder->jump, 1);
}

static void cis_png_warning(png_structp png, png_const_charp message) {
    // Warnings alone concern ancillary chunks (bad CRC, unknown sRGB profile, ...) that do not affect the pixels;
    // they are kept only to explain a following error.
    CISPNGDecoder *decoder = png_get_error_ptr(png);
    cis_copy_message(decoder->last_warning, sizeof decoder->last_warning, message);
}

static void cis_png_read(png_structp png, png_bytep destination, size_t count) {
    CISPNGDecoder *decoder = png_get_io_ptr(png);
    if (count > decoder->size - decoder->offset) {
        decoder->failure = CIS_STATUS_TRUNCATED_DATA;
        cis_copy_message(decoder->message, sizeof decoder->message, "PNG data ends before the image is complete");
        png_error(png, decoder->message);
    }
    memcpy(destination, decoder->data + decoder->offset, count);
    decoder->offset += count;
}

static CISStatus cis_png_decoder_reject(CISPNGDecoder *decoder, const char *message) {
    cis_copy_message(decoder->message, sizeof decoder->message, message);
    return CIS_STATUS_INVALID_ARGUMENT;
}

static CISColorModel cis_png_color_model(int color_type) {
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: return CIS_COLOR_MODEL_GREY;
    case PNG_COLOR_TYPE_GRAY_ALPHA: return CIS_COLOR_MODEL_GREY_ALPHA;
    case PNG_COLOR_TYPE_RGB: return CIS_COLOR_MODEL_RGB;
    case PNG_COLOR_TYPE_RGB_ALPHA: return CIS_COLOR_MODEL_RGBA;
    case PNG_COLOR_TYPE_PALETTE: return CIS_COLOR_MODEL_PALETTE;
    default: return CIS_COLOR_MODEL_UNKNOWN;
    }
}

CISPNGDecoder *cis_png_decoder_create(const uint8_t *data, size_t size) {
    CISPNGDecoder *decoder = calloc(1, sizeof(CISPNGDecoder));
    if (decoder == NULL) {
        return NULL;
    }
    decoder->data = data;
    decoder->size = size;
    if (setjmp(decoder->jump)) {
        cis_png_decoder_destroy(decoder);
        return NULL;
    }
    decoder->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, decoder, cis_png_error, cis_png_warning);
    if (decoder->png == NULL) {
        free(decoder);
        return NULL;
    }
    decoder->info = png_create_info_struct(decoder->png);
    if (decoder->info == NULL) {
        cis_png_decoder_destroy(decoder);
        return NULL;
    }
    png_set_read_fn(decoder->png, decoder, cis_png_read);
    // libpng's default cap is 1,000,000 pixels per side; the Swift layer applies its own, stricter limits after
    // reading the header, so let every valid header through to report the size precisely.
    png_set_user_limits(decoder->png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    // Text and suggested-palette chunks are never used, and libpng allocates their announced length before it
    // notices the data is missing: a 46-byte file announcing a 620 MB tEXt chunk cost 1.2 s and 629 MB (found by
    // fuzzing). Skip them unread.
    static const png_byte ignored_chunks[] = "tEXt\0zTXt\0iTXt\0sPLT";
    png_set_keep_unknown_chunks(decoder->png, PNG_HANDLE_CHUNK_NEVER, ignored_chunks, 4);
    // Also bound what libpng may allocate for any one ancillary chunk.
    png_set_chunk_malloc_max(decoder->png, 8000000);
    return decoder;
}

CISStatus cis_png_decoder_read_header(CISPNGDecoder *decoder, CISImageHeader *header) {
    if (decoder->header_read) {
        return cis_png_decoder_reject(decoder, "PNG header was already read");
    }
    if (setjmp(decoder->jump)) {
        return decoder->failure;
    }
    png_read_info(decoder->png, decoder->info);
    decoder->header_read = 1;
    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(decoder->png, decoder->info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    header->width = width;
    header->height = height;
    header->bit_depth = bit_depth;
    header->components = png_get_channels(decoder->png, decoder->info);
    header->color_model = cis_png_color_model(color_type);
    header->interlaced = interlace != PNG_INTERLACE_NONE ? 1 : 0;
    return CIS_STATUS_OK;
}

CISStatus cis_png_decoder_read_rgb(CISPNGDecoder *decoder, uint8_t *rgb, size_t rgb_size) {
    png_structp png = decoder->png;
    png_infop info = decoder->info;
    if (!decoder->header_read) {
        return cis_png_decoder_reject(decoder, "PNG header must be read before the pixels");
    }
    png_uint_32 width = png_get_image_width(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    int color_type = png_get_color_type(png, info);
    size_t row_size = (size_t)width * 3;
    if (rgb == NULL || rgb_size != row_size * height) {
        return cis_png_decoder_reject(decoder, "RGB buffer size does not match 3 * width * height");
    }
    decoder->rows = malloc((size_t)height * sizeof(png_bytep));
    if (decoder->rows == NULL) {
        cis_copy_message(decoder->message, sizeof decoder->message, "out of memory for PNG row pointers");
        return CIS_STATUS_OUT_OF_MEMORY;
    }
    for (png_uint_32 y = 0; y < height; y++) {
        decoder->rows[y] = rgb + (size_t)y * row_size;
    }
    if (setjmp(decoder->jump)) {
        return decoder->failure;
    }
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_set_palette_to_rgb(png);
    }
    if (bit_depth == 16) {
        png_set_strip_16(png);  // keep the high byte, as OpenCV does (not png_set_scale_16's rounding)
    }
    if ((color_type & PNG_COLOR_MASK_COLOR) == 0) {
        if (bit_depth < 8) {
            png_set_expand_gray_1_2_4_to_8(png);
        }
        png_set_gray_to_rgb(png);
    }
    // Alpha is dropped, not composited: palette_to_rgb may also turn tRNS into alpha, which is stripped here too.
    png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_channels(png, info) != 3 || png_get_bit_depth(png, info) != 8 ||
        png_get_rowbytes(png, info) != row_size) {
        cis_copy_message(decoder->message, sizeof decoder->message,
                         "libpng did not produce 8-bit 3-channel rows");
        decoder->failure = CIS_STATUS_INVALID_ARGUMENT;
        return decoder->failure;
    }
    png_read_image(png, decoder->rows);
    // Chunks after the image data (an eXIf may be there) go into the same info structure.
    png_read_end(png, info);
    return CIS_STATUS_OK;
}

size_t cis_png_decoder_exif(const CISPNGDecoder *decoder, const uint8_t **bytes) {
    *bytes = NULL;
    if (!decoder->header_read) {
        return 0;
    }
    png_uint_32 count = 0;
    png_bytep exif = NULL;
    if (png_get_eXIf_1(decoder->png, decoder->info, &count, &exif) == 0 || exif == NULL) {
        return 0;
    }
    *bytes = exif;
    return count;
}

const char *cis_png_decoder_message(const CISPNGDecoder *decoder) {
    return decoder->message;
}

void cis_png_decoder_destroy(CISPNGDecoder *decoder) {
    if (decoder != NULL) {
        if (decoder->png != NULL) {
            png_destroy_read_struct(&decoder->png, decoder->info != NULL ? &decoder->info : NULL, NULL);
        }
        free(decoder->rows);
        free(decoder);
    }
}
