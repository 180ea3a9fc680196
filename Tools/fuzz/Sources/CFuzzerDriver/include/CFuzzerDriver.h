// The entry point of libFuzzer's driver (libclang_rt.fuzzer, linked by `-sanitize=fuzzer`). It parses the
// libFuzzer command line in argc/argv and calls `callback` once per generated input until the run ends.
#ifndef C_FUZZER_DRIVER_H
#define C_FUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *_Nonnull argc, char *_Nullable *_Nonnull *_Nonnull argv,
                        int (*_Nonnull callback)(const uint8_t *_Nonnull data, size_t size));

#endif
