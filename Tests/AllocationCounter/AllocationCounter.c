#include "AllocationCounter.h"

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

static atomic_bool counting = false;
static atomic_llong allocations = 0;
static atomic_ullong largest_request = 0;

// Sanitizers bring their own allocator and intercept malloc themselves: replacing malloc as well would break them,
// so under a sanitizer the counter is unavailable and the allocation tests skip.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define ALLOCATION_COUNTER_UNDER_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ALLOCATION_COUNTER_UNDER_SANITIZER 1
#endif

#if defined(__linux__) && defined(__GLIBC__) && !defined(ALLOCATION_COUNTER_UNDER_SANITIZER)

// glibc's allocator under its internal names; the definitions below replace the public names for the whole
// process (the test executable's symbols win over libc's) and forward to these.
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void __libc_free(void *pointer);

static inline void count_one(size_t size) {
    if (atomic_load_explicit(&counting, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
        unsigned long long seen = atomic_load_explicit(&largest_request, memory_order_relaxed);
        while (size > seen && !atomic_compare_exchange_weak_explicit(&largest_request, &seen, size,
                                                                     memory_order_relaxed, memory_order_relaxed)) {
        }
    }
}

void *malloc(size_t size) {
    count_one(size);
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    count_one(size != 0 && count > SIZE_MAX / size ? SIZE_MAX : count * size);
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    count_one(size);
    return __libc_realloc(pointer, size);
}

void free(void *pointer) {
    __libc_free(pointer);
}

void *memalign(size_t alignment, size_t size) {
    count_one(size);
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    count_one(size);
    return __libc_memalign(alignment, size);
}

void *valloc(size_t size) {
    count_one(size);
    return __libc_valloc(size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    count_one(size);
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL && size != 0) return ENOMEM;
    *result = pointer;
    return 0;
}

bool allocation_counter_is_available(void) { return true; }

#else

bool allocation_counter_is_available(void) { return false; }

#endif

void allocation_counter_start(void) {
    atomic_store(&allocations, 0);
    atomic_store(&largest_request, 0);
    atomic_store(&counting, true);
}

int64_t allocation_counter_stop(void) {
    atomic_store(&counting, false);
    return atomic_load(&allocations);
}

uint64_t allocation_counter_largest_request(void) {
    return atomic_load(&largest_request);
}
