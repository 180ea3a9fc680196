// Internal: routes libjpeg's fatal errors (and the warnings that mean lost pixel data) to a longjmp.
#ifndef CIS_JPEG_ERROR_BRIDGE_H
#define CIS_JPEG_ERROR_BRIDGE_H

#include "CImageShims.h"

#include <setjmp.h>
#include <stdio.h>
#include <jpeglib.h>

/// libjpeg error manager extended with a jump target. The caller must arm `jump` with setjmp before every call
/// into libjpeg; on failure control returns there with `failure` and `message` filled in.
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    CISStatus failure;
    char message[JMSG_LENGTH_MAX];
} CISJPEGErrorBridge;

/// Installs the bridge as `info`'s error manager (call before jpeg_create_compress / jpeg_create_decompress).
void cis_jpeg_error_bridge_install(CISJPEGErrorBridge *bridge, j_common_ptr info);

/// Records a failure not raised by libjpeg itself and jumps to the armed setjmp.
void cis_jpeg_error_bridge_fail(j_common_ptr info, CISStatus status, const char *message);

#endif
