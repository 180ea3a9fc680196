// Routes libjpeg's fatal errors, and the warnings that mean pixel data was lost, to the caller's setjmp.
#include "jpeg_error_bridge.h"

#include "shim_message.h"

#include <jerror.h>

/// Warnings after which libjpeg would carry on with grey or garbled pixels; we refuse to return such an image.
static int cis_jpeg_warning_loses_data(int code) {
    switch (code) {
    case JWRN_JPEG_EOF:           // data ended: libjpeg inserts a fake EOI and fills the rest with grey
    case JWRN_HIT_MARKER:         // a scan ended early: the remaining blocks are left empty
    case JWRN_HUFF_BAD_CODE:      // entropy-coded data is corrupt
    case JWRN_ARITH_BAD_CODE:
    case JWRN_MUST_RESYNC:        // a restart marker was lost
    case JWRN_NOT_SEQUENTIAL:
    case JWRN_BOGUS_PROGRESSION:  // progressive scans are inconsistent
        return 1;
    default:                      // metadata problems (unknown JFIF revision, bad ICC marker, padding bytes)
        return 0;
    }
}

static void cis_jpeg_jump(j_common_ptr info, CISStatus status) {
    CISJPEGErrorBridge *bridge = (CISJPEGErrorBridge *)info->err;
    bridge->failure = status;
    info->err->format_message(info, bridge->message);
    longjmp(bridge->jump, 1);
}

static void cis_jpeg_error_exit(j_common_ptr info) {
    int code = info->err->msg_code;
    cis_jpeg_jump(info, code == JERR_OUT_OF_MEMORY ? CIS_STATUS_OUT_OF_MEMORY : CIS_STATUS_CORRUPT_DATA);
}

static void cis_jpeg_emit_message(j_common_ptr info, int level) {
    if (level >= 0) {
        return;  // trace messages
    }
    int code = info->err->msg_code;
    if (cis_jpeg_warning_loses_data(code)) {
        cis_jpeg_jump(info, code == JWRN_JPEG_EOF ? CIS_STATUS_TRUNCATED_DATA : CIS_STATUS_CORRUPT_DATA);
    }
    info->err->num_warnings++;
}

static void cis_jpeg_output_message(j_common_ptr info) {
    (void)info;  // never print to stderr
}

void cis_jpeg_error_bridge_install(CISJPEGErrorBridge *bridge, j_common_ptr info) {
    info->err = jpeg_std_error(&bridge->base);
    bridge->base.error_exit = cis_jpeg_error_exit;
    bridge->base.emit_message = cis_jpeg_emit_message;
    bridge->base.output_message = cis_jpeg_output_message;
    bridge->failure = CIS_STATUS_OK;
    bridge->message[0] = '\0';
}

void cis_jpeg_error_bridge_fail(j_common_ptr info, CISStatus status, const char *message) {
    CISJPEGErrorBridge *bridge = (CISJPEGErrorBridge *)info->err;
    bridge->failure = status;
    cis_copy_message(bridge->message, sizeof bridge->message, message);
    longjmp(bridge->jump, 1);
}
