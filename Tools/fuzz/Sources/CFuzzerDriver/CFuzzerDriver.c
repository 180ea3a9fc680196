// Declaration-only module: LLVMFuzzerRunDriver is defined by libclang_rt.fuzzer, which `-sanitize=fuzzer` links.
#include "CFuzzerDriver.h"
