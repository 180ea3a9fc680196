#ifndef ALLOCATION_COUNTER_H
#define ALLOCATION_COUNTER_H

#include <stdbool.h>
#include <stdint.h>

/// Test support: counts heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign,
/// valloc) made by any thread of the process while counting is on. Works by replacing the allocator's entry points
/// in the test executable and forwarding to glibc's own (`__libc_malloc`, ...); elsewhere it counts nothing and
/// `allocation_counter_is_available` is false.

/// True when allocations can be counted on this platform (glibc).
bool allocation_counter_is_available(void);

/// Resets the count to zero and starts counting.
void allocation_counter_start(void);

/// Stops counting and returns the number of allocations since `allocation_counter_start`.
int64_t allocation_counter_stop(void);

/// The largest single request in bytes (calloc: count × size) seen between the last `allocation_counter_start` and
/// `allocation_counter_stop` (0 when none).
uint64_t allocation_counter_largest_request(void);

#endif
