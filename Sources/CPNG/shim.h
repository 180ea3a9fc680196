// libpng 1.6 (Debian libpng-dev). This system-library target only supplies the include and link flags
// (pkg-config `libpng16`) to the C target CImageShims, which is the sole user of libpng.
#include <png.h>
