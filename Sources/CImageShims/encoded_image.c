// The growable output buffer shared by the PNG and JPEG encoders, and its public accessors.
#include "encoded_image.h"

#include <stdlib.h>
#include <string.h>

CISEncodedImage *cis_encoded_image_allocate(void) {
    return calloc(1, sizeof(CISEncodedImage));
}

int cis_encoded_image_reserve(CISEncodedImage *image, size_t minimum_capacity) {
    if (minimum_capacity <= image->capacity) {
        return 1;
    }
    size_t capacity = image->capacity < 4096 ? 4096 : image->capacity;
    while (capacity < minimum_capacity) {
        if (capacity > SIZE_MAX / 2) {
            return 0;
        }
        capacity *= 2;
    }
    uint8_t *bytes = realloc(image->bytes, capacity);
    if (bytes == NULL) {
        return 0;
    }
    image->bytes = bytes;
    image->capacity = capacity;
    return 1;
}

int cis_encoded_image_append(CISEncodedImage *image, const uint8_t *bytes, size_t count) {
    if (count > SIZE_MAX - image->count || !cis_encoded_image_reserve(image, image->count + count)) {
        return 0;
    }
    memcpy(image->bytes + image->count, bytes, count);
    image->count += count;
    return 1;
}

void cis_encoded_image_fail(CISEncodedImage *image, CISStatus status, const char *message) {
    free(image->bytes);
    image->bytes = NULL;
    image->count = 0;
    image->capacity = 0;
    image->status = status;
    cis_copy_message(image->message, sizeof image->message, message);
}

CISStatus cis_encoded_image_status(const CISEncodedImage *image) {
    return image->status;
}

const uint8_t *cis_encoded_image_bytes(const CISEncodedImage *image) {
    return image->status == CIS_STATUS_OK ? image->bytes : NULL;
}

size_t cis_encoded_image_count(const CISEncodedImage *image) {
    return image->status == CIS_STATUS_OK ? image->count : 0;
}

const char *cis_encoded_image_message(const CISEncodedImage *image) {
    return image->message;
}

void cis_encoded_image_destroy(CISEncodedImage *image) {
    if (image != NULL) {
        free(image->bytes);
        free(image);
    }
}
