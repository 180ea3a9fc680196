/// The shipped models, each with one real input from the committed reference fixtures (paths relative to
/// the reference-fixture folder the tests read, float32 NHWC as the model takes it). Shared by the whole-model tests (reference
/// mode, allocation counting) so that every shipped model is covered by each of them.
public enum ShippedModelInputs {
    /// (model file name without `.sfmw`, real-input fixture path); the first is the mesh model, the fourth the
    /// attention model.
    public static let all: [(name: String, input: String)] = [
        ("face_landmark", "LiteRT/face_landmark/grace_hopper/input.f32"),
        ("iris_landmark", "LiteRT/iris_landmark/grace_hopper_left_eye/input.f32"),
        ("face_detection_short_range", "LiteRT/face_detection_short_range/grace_hopper/input.f32"),
        ("face_landmark_with_attention", "MediaPipe/attention/grace_hopper/input.f32"),
        ("face_detection_full_range", "LiteRT/face_detection_full_range/grace_hopper/input.f32"),
        ("face_landmark_v2", "LiteRT/face_landmark_v2/grace_hopper/input.f32"),
        ("face_blendshapes", "LiteRT/face_blendshapes/mpl_grace_hopper_face0/input.f32"),
    ]
}
