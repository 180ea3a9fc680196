// libjpeg-turbo (Debian libjpeg62-turbo-dev / libjpeg-dev).
#include <stdio.h>
#include <jpeglib.h>
