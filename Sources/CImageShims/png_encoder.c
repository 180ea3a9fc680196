// PNG encoding of interleaved 8-bit RGB through libpng 1.6, with every libpng call guarded by setjmp.
#include "encoded_image.h"

#include <setjmp.h>
#include <stdlib.h>
#include <png.h>

/// Lives on the heap so that its fields keep their values across longjmp.
typedef struct {
    jmp_buf jump;
    CISEncodedImage *output;
    CISStatus failure;
    char message[CIS_MESSAGE_CAPACITY];
    png_structp png;
    png_infop info;
    png_bytep *rows;
} CISPNGWriter;

static void cis_png_write_error(png_structp png, png_const_charp message) {
    CISPNGWriter *writer = png_get_error_ptr(png);
    if (writer->failure == CIS_STATUS_OK) {
        writer->failure = CIS_STATUS_CORRUPT_DATA;
        cis_copy_message(writer->message, sizeof writer->message, message);
    }
    longjmp(writer->jump, 1);
}

static void cis_png_write_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void cis_png_write_bytes(png_structp png, png_bytep bytes, size_t count) {
    CISPNGWriter *writer = png_get_io_ptr(png);
    if (!cis_encoded_image_append(writer->output, bytes, count)) {
        writer->failure = CIS_STATUS_OUT_OF_MEMORY;
        cis_copy_message(writer->message, sizeof writer->message, "out of memory for the PNG output");
        png_error(png, writer->message);
    }
}

static void cis_png_flush(png_structp png) {
    (void)png;
}

static void cis_png_writer_release(CISPNGWriter *writer) {
    if (writer->png != NULL) {
        png_destroy_write_struct(&writer->png, writer->info != NULL ? &writer->info : NULL);
    }
    free(writer->rows);
    free(writer);
}

CISEncodedImage *cis_png_encode_rgb(const uint8_t *rgb, size_t rgb_size, uint32_t width, uint32_t height) {
    CISEncodedImage *output = cis_encoded_image_allocate();
    if (output == NULL) {
        return NULL;
    }
    size_t row_size = (size_t)width * 3;
    if (rgb == NULL || width == 0 || height == 0 || rgb_size != row_size * height) {
        cis_encoded_image_fail(output, CIS_STATUS_INVALID_ARGUMENT,
                               "RGB buffer size does not match 3 * width * height, or the image is empty");
        return output;
    }
    CISPNGWriter *writer = calloc(1, sizeof(CISPNGWriter));
    if (writer == NULL || (writer->rows = malloc((size_t)height * sizeof(png_bytep))) == NULL) {
        free(writer);
        cis_encoded_image_fail(output, CIS_STATUS_OUT_OF_MEMORY, "out of memory for the PNG writer");
        return output;
    }
    writer->output = output;
    for (uint32_t y = 0; y < height; y++) {
        writer->rows[y] = (png_bytep)(rgb + (size_t)y * row_size);  // libpng does not modify input rows
    }
    if (setjmp(writer->jump)) {
        cis_encoded_image_fail(output, writer->failure, writer->message);
        cis_png_writer_release(writer);
        return output;
    }
    writer->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, writer, cis_png_write_error,
                                          cis_png_write_warning);
    if (writer->png == NULL || (writer->info = png_create_info_struct(writer->png)) == NULL) {
        cis_encoded_image_fail(output, CIS_STATUS_OUT_OF_MEMORY, "out of memory for the PNG writer");
        cis_png_writer_release(writer);
        return output;
    }
    png_set_write_fn(writer->png, writer, cis_png_write_bytes, cis_png_flush);
    png_set_user_limits(writer->png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);  // default cap: 1,000,000 per side
    png_set_IHDR(writer->png, writer->info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(writer->png, writer->info);
    png_write_image(writer->png, writer->rows);
    png_write_end(writer->png, NULL);
    cis_png_writer_release(writer);
    return output;
}
