// The C interface's structs are read and written by callers that mirror them by hand (Python's ctypes mirror in
// Python/swiftfacemesh/_native.py). These compile-time checks pin the layout those mirrors assume on LP64
// platforms: a change to the header that moves a field breaks the build here instead of corrupting memory there.
#include "facemesh_c.h"

#if defined(__LP64__)
_Static_assert(sizeof(facemesh_options) == 56, "facemesh_options layout changed: update the ctypes mirror");
_Static_assert(offsetof(facemesh_options, weights_directory) == 40, "facemesh_options.weights_directory moved");
_Static_assert(offsetof(facemesh_options, output_blendshapes) == 48, "facemesh_options.output_blendshapes moved");
_Static_assert(offsetof(facemesh_options, detector) == 52, "facemesh_options.detector moved");
_Static_assert(sizeof(facemesh_result) == 112, "facemesh_result layout changed: update the ctypes mirror");
_Static_assert(offsetof(facemesh_result, landmarks) == 24, "facemesh_result.landmarks moved");
_Static_assert(offsetof(facemesh_result, region) == 80, "facemesh_result.region moved");
_Static_assert(offsetof(facemesh_result, blendshape_capacity) == 88, "facemesh_result.blendshape_capacity moved");
_Static_assert(offsetof(facemesh_result, blendshapes) == 96, "facemesh_result.blendshapes moved");
_Static_assert(offsetof(facemesh_result, tongue_out) == 104, "facemesh_result.tongue_out moved");
#endif
_Static_assert(sizeof(facemesh_status) == 4, "facemesh_status must be 32 bits");
