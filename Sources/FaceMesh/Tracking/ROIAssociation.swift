/// Merges the regions of interest of the detector and of the tracker, as MediaPipe's
/// `AssociationNormRectCalculator` does (§8).
///
/// The inputs are taken in priority order, lowest first. The list starts from the first non-empty input's first
/// element; every element added after it — the rest of that input, then each later input in turn — first removes
/// every list element whose axis-aligned IoU with it (rotation ignored) is **strictly greater** than the threshold,
/// then is appended. So later inputs win over overlapping earlier ones, and overlapping elements of one input are
/// deduplicated (the later one stays). No identities; output order = list order.
public enum ROIAssociation {
    /// The legacy face mesh graph's `min_similarity_threshold`.
    public static let legacyThreshold: Float = 0.5

    /// Legacy Face Mesh order: detection ROIs first, tracked (previous-frame) ROIs second, so an overlapping
    /// tracked ROI replaces a new detection ROI. Not clipped to the face count.
    public static func mergeLegacy(detectionRegions: [NormalizedRect], trackedRegions: [NormalizedRect],
                                   threshold: Float = legacyThreshold) -> [NormalizedRect] {
        merge([detectionRegions, trackedRegions], threshold: threshold)
    }

    /// The general rule over any number of inputs in increasing priority.
    public static func merge(_ inputs: [[NormalizedRect]], threshold: Float) -> [NormalizedRect] {
        var result: [NormalizedRect] = []
        var started = false
        for input in inputs where !input.isEmpty {
            for (position, element) in input.enumerated() {
                if !started && position == 0 {
                    result.append(element)
                    started = true
                    continue
                }
                result.removeAll { $0.intersectionOverUnion(with: element) > threshold }
                result.append(element)
            }
        }
        return result
    }
}
