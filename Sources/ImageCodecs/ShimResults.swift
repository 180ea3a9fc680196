import CImageShims
import Foundation

/// Translation of the C shims' status codes and results into Swift errors and values.
enum ShimResults {
    /// Throws the `ImageCodecError` that corresponds to a failed decoder call; returns for `CIS_STATUS_OK`.
    /// `message` is only evaluated on failure.
    static func checkDecoding(_ status: CISStatus, format: ImageFormat,
                              message: () -> UnsafePointer<CChar>?) throws {
        guard status != CIS_STATUS_OK else { return }
        let detail = message().map { String(cString: $0) } ?? ""
        switch status {
        case CIS_STATUS_TRUNCATED_DATA:
            throw ImageCodecError.truncatedData(format: format, detail: detail)
        case CIS_STATUS_OUT_OF_MEMORY:
            throw ImageCodecError.outOfMemory(format: format)
        default:
            throw ImageCodecError.corruptData(format: format, detail: detail)
        }
    }

    /// Copies the bytes out of an encoder result and releases it, or throws the corresponding error.
    static func takeEncodedBytes(_ result: OpaquePointer?, format: ImageFormat) throws -> Data {
        guard let result else { throw ImageCodecError.outOfMemory(format: format) }
        defer { cis_encoded_image_destroy(result) }
        let status = cis_encoded_image_status(result)
        switch status {
        case CIS_STATUS_OK:
            guard let bytes = cis_encoded_image_bytes(result) else {
                throw ImageCodecError.encodingFailed(format: format, detail: "encoder produced no bytes")
            }
            return Data(bytes: bytes, count: cis_encoded_image_count(result))
        case CIS_STATUS_OUT_OF_MEMORY:
            throw ImageCodecError.outOfMemory(format: format)
        default:
            let detail = String(cString: cis_encoded_image_message(result))
            throw ImageCodecError.encodingFailed(format: format, detail: detail)
        }
    }

    /// Decodes into a fresh `[UInt8]` of `3 * width * height` samples without zero-filling it first: `fill` must
    /// write every sample or throw.
    static func makePixels(width: Int, height: Int,
                           fill: (UnsafeMutablePointer<UInt8>, Int) throws -> Void) throws -> [UInt8] {
        let count = 3 * width * height
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            initializedCount = 0
            guard let base = buffer.baseAddress else {
                throw ImageCodecError.invalidDimensions(width: width, height: height)
            }
            try fill(base, count)
            initializedCount = count
        }
    }
}
