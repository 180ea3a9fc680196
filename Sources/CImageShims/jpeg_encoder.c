// JPEG encoding of interleaved 8-bit RGB through libjpeg-turbo, with every libjpeg call guarded by setjmp.
#include "encoded_image.h"
#include "jpeg_error_bridge.h"

#include <stdlib.h>

/// Lives on the heap so that its fields keep their values across longjmp.
typedef struct {
    struct jpeg_compress_struct info;
    CISJPEGErrorBridge errors;
    struct jpeg_destination_mgr destination;
    CISEncodedImage *output;
} CISJPEGWriter;

/// Hands libjpeg the whole unused capacity of the output buffer.
static void cis_jpeg_expose_free_space(CISJPEGWriter *writer) {
    CISEncodedImage *output = writer->output;
    writer->destination.next_output_byte = output->bytes + output->count;
    writer->destination.free_in_buffer = output->capacity - output->count;
}

static void cis_jpeg_init_destination(j_compress_ptr info) {
    CISJPEGWriter *writer = (CISJPEGWriter *)info;
    if (!cis_encoded_image_reserve(writer->output, 64 * 1024)) {
        cis_jpeg_error_bridge_fail((j_common_ptr)info, CIS_STATUS_OUT_OF_MEMORY, "out of memory for the JPEG output");
    }
    cis_jpeg_expose_free_space(writer);
}

/// Called when the buffer is full: libjpeg has filled every byte it was given.
static boolean cis_jpeg_empty_output_buffer(j_compress_ptr info) {
    CISJPEGWriter *writer = (CISJPEGWriter *)info;
    CISEncodedImage *output = writer->output;
    output->count = output->capacity;
    if (!cis_encoded_image_reserve(output, output->capacity + 1)) {
        cis_jpeg_error_bridge_fail((j_common_ptr)info, CIS_STATUS_OUT_OF_MEMORY, "out of memory for the JPEG output");
    }
    cis_jpeg_expose_free_space(writer);
    return TRUE;
}

static void cis_jpeg_term_destination(j_compress_ptr info) {
    CISJPEGWriter *writer = (CISJPEGWriter *)info;
    writer->output->count = writer->output->capacity - writer->destination.free_in_buffer;
}

CISEncodedImage *cis_jpeg_encode_rgb(const uint8_t *rgb, size_t rgb_size, uint32_t width, uint32_t height,
                                     int quality) {
    CISEncodedImage *output = cis_encoded_image_allocate();
    if (output == NULL) {
        return NULL;
    }
    size_t row_size = (size_t)width * 3;
    if (rgb == NULL || width == 0 || height == 0 || rgb_size != row_size * height || quality < 1 ||
        quality > 100) {
        cis_encoded_image_fail(output, CIS_STATUS_INVALID_ARGUMENT,
                               "RGB buffer size does not match 3 * width * height, the image is empty, "
                               "or the quality is outside 1...100");
        return output;
    }
    CISJPEGWriter *writer = calloc(1, sizeof(CISJPEGWriter));
    if (writer == NULL) {
        cis_encoded_image_fail(output, CIS_STATUS_OUT_OF_MEMORY, "out of memory for the JPEG writer");
        return output;
    }
    writer->output = output;
    struct jpeg_compress_struct *info = &writer->info;
    cis_jpeg_error_bridge_install(&writer->errors, (j_common_ptr)info);
    if (setjmp(writer->errors.jump)) {
        cis_encoded_image_fail(output, writer->errors.failure, writer->errors.message);
        jpeg_destroy_compress(info);
        free(writer);
        return output;
    }
    jpeg_create_compress(info);
    writer->destination.init_destination = cis_jpeg_init_destination;
    writer->destination.empty_output_buffer = cis_jpeg_empty_output_buffer;
    writer->destination.term_destination = cis_jpeg_term_destination;
    info->dest = &writer->destination;
    info->image_width = width;
    info->image_height = height;
    info->input_components = 3;
    info->in_color_space = JCS_RGB;
    jpeg_set_defaults(info);
    jpeg_set_quality(info, quality, TRUE);
    info->optimize_coding = TRUE;
    jpeg_start_compress(info, TRUE);
    while (info->next_scanline < info->image_height) {
        JSAMPROW row = (JSAMPROW)(rgb + (size_t)info->next_scanline * row_size);  // libjpeg does not modify it
        jpeg_write_scanlines(info, &row, 1);
    }
    jpeg_finish_compress(info);
    jpeg_destroy_compress(info);
    free(writer);
    return output;
}
