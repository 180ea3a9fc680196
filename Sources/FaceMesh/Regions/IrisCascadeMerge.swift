/// Builds the 478-point layout from the 468-point mesh and the iris model's outputs for both eyes (§9 Merge).
///
/// Each eye's 71 contour points overwrite x, y **and** z of the mesh at that eye's 71 mesh indices (the lists of
/// `models.md` §6, passed in by the caller); the result is the updated 468 points, then the image-left eye's 5
/// iris points (468–472), then the image-right eye's (473–477). All points in the same unit (normalized or pixels).
public enum IrisCascadeMerge {
    /// Merges; throws if a list does not have one index per contour point or an index is outside the mesh.
    public static func merge(mesh: [Landmark], imageLeftContour: [Landmark], imageLeftIris: [Landmark],
                             imageRightContour: [Landmark], imageRightIris: [Landmark],
                             imageLeftIndices: [Int], imageRightIndices: [Int]) throws -> [Landmark] {
        guard imageLeftIndices.count == imageLeftContour.count, imageRightIndices.count == imageRightContour.count else {
            throw IrisCascadeError.invalidMergeIndices("index lists (\(imageLeftIndices.count), "
                + "\(imageRightIndices.count)) must match the contours (\(imageLeftContour.count), "
                + "\(imageRightContour.count))")
        }
        guard (imageLeftIndices + imageRightIndices).allSatisfy({ $0 >= 0 && $0 < mesh.count }) else {
            throw IrisCascadeError.invalidMergeIndices("an index is outside the \(mesh.count)-point mesh")
        }
        var result = mesh
        for (index, point) in zip(imageLeftIndices, imageLeftContour) { result[index] = point }
        for (index, point) in zip(imageRightIndices, imageRightContour) { result[index] = point }
        return result + imageLeftIris + imageRightIris
    }
}
