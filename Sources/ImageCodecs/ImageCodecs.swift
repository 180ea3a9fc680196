// ImageCodecs: JPEG and PNG decoding and encoding through the system libjpeg-turbo and libpng.
