// Internal: the growable output buffer shared by the PNG and JPEG encoders.
#ifndef CIS_ENCODED_IMAGE_H
#define CIS_ENCODED_IMAGE_H

#include "CImageShims.h"
#include "shim_message.h"

struct CISEncodedImage {
    CISStatus status;
    uint8_t *bytes;
    size_t count;
    size_t capacity;
    char message[CIS_MESSAGE_CAPACITY];
};

/// Allocates an empty, successful result. Returns NULL if memory is exhausted.
CISEncodedImage *cis_encoded_image_allocate(void);

/// Grows the buffer so that it can hold at least `minimum_capacity` bytes. Returns 0 if memory is exhausted.
int cis_encoded_image_reserve(CISEncodedImage *image, size_t minimum_capacity);

/// Appends `count` bytes, growing geometrically. Returns 0 if memory is exhausted.
int cis_encoded_image_append(CISEncodedImage *image, const uint8_t *bytes, size_t count);

/// Marks the result as failed: releases any bytes written so far and records the status and message.
void cis_encoded_image_fail(CISEncodedImage *image, CISStatus status, const char *message);

#endif
