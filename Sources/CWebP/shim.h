// libwebp (Debian libwebp-dev). This system-library target only supplies the include and link flags
// (pkg-config `libwebp`) to the C target CImageShims, which is the sole user of libwebp.
#include <webp/decode.h>
