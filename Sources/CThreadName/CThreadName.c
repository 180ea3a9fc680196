// pthread_setname_np is a GNU extension on Linux; Swift's Glibc module does not export it.
#if defined(__linux__)
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include "CThreadName.h"

int facemesh_name_current_thread(const char *name) {
#if defined(__APPLE__)
    return pthread_setname_np(name);
#elif defined(__linux__)
    return pthread_setname_np(pthread_self(), name);
#else
    (void)name;
    return 0;
#endif
}

int facemesh_name_thread(pthread_t thread, const char *name) {
#if defined(__linux__)
    return pthread_setname_np(thread, name);
#else
    (void)thread;
    (void)name;
    return ENOTSUP;
#endif
}
