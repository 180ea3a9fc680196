#ifndef SWIFTFACEMESH_CTHREADNAME_H
#define SWIFTFACEMESH_CTHREADNAME_H
#include <pthread.h>
/// Names the calling thread (shown by `top -H`, `perf`, debuggers and /proc/self/task/*/comm). Linux keeps the
/// first 15 bytes. Returns 0 on success, an errno value otherwise; a no-op returning 0 where unsupported.
int facemesh_name_current_thread(const char *name);
/// Names another thread of this process, so the name is in place before the thread runs. Returns 0 on success,
/// an errno value otherwise (ENOTSUP on Apple systems, which only name the calling thread).
int facemesh_name_thread(pthread_t thread, const char *name);
#endif
