// libjpeg-turbo (Debian libjpeg62-turbo-dev / libjpeg-dev). This system-library target only supplies the include
// and link flags (pkg-config `libjpeg`) to the C target CImageShims, which is the sole user of libjpeg.
#include <stdio.h>
#include <jpeglib.h>
