// Internal: bounded copying of error messages into fixed-size buffers.
#ifndef CIS_SHIM_MESSAGE_H
#define CIS_SHIM_MESSAGE_H

#include <stddef.h>
#include <stdio.h>

/// Capacity of the shims' message buffers, including the terminating NUL.
#define CIS_MESSAGE_CAPACITY 256

/// Copies `source` into `destination` (`capacity` bytes), truncating and always NUL-terminating.
static inline void cis_copy_message(char *destination, size_t capacity, const char *source) {
    snprintf(destination, capacity, "%s", source != NULL ? source : "");
}

#endif
