/// The `--json` document: `{"threads":[1],"results":[{"name":"mesh","threads":1,"median_ms":…,"p10_ms":…,
/// "p90_ms":…,"macs":…,"runs":…},…],"notes":[…]}`, plus `"litert":[…]` with `--compare-litert` and
/// `"profiles":[…]` with `--profile`. Times in milliseconds; shares in [0, 1].
enum JSONReport {
    static func make(threads: [Int], measurements: [Measurement], notes: [String], litert: [LiteRTComparisonRow]?,
                     profiles: [ModelProfile]?) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("threads", .array(threads.map(JSONValue.integer))),
            ("results", .array(measurements.map(result))),
            ("notes", .array(notes.map(JSONValue.string))),
        ]
        if let litert { members.append(("litert", .array(litert.map(comparison)))) }
        if let profiles { members.append(("profiles", .array(profiles.map(profile)))) }
        return .object(members)
    }

    private static func result(_ measurement: Measurement) -> JSONValue {
        .object([
            ("name", .string(measurement.name)),
            ("threads", .integer(measurement.threads)),
            ("median_ms", .number(measurement.timing.medianMilliseconds)),
            ("p10_ms", .number(measurement.timing.p10Milliseconds)),
            ("p90_ms", .number(measurement.timing.p90Milliseconds)),
            ("macs", .integer(measurement.multiplyAccumulates)),
            ("runs", .integer(measurement.timing.count)),
        ])
    }

    private static func comparison(_ row: LiteRTComparisonRow) -> JSONValue {
        .object([
            ("name", .string(row.name)),
            ("ours_median_ms", .number(row.ours.medianMilliseconds)),
            ("ours_p10_ms", .number(row.ours.p10Milliseconds)),
            ("ours_p90_ms", .number(row.ours.p90Milliseconds)),
            ("litert_median_ms", .number(row.litert.medianMilliseconds)),
            ("litert_p10_ms", .number(row.litert.p10Milliseconds)),
            ("litert_p90_ms", .number(row.litert.p90Milliseconds)),
            ("ratio", .number(row.ratio)),
            ("litert_model", .string(row.name == WorkloadName.attention ? "custom ops cut out (lower bound)" : "original")),
            ("litert_vs_fixture_max_abs_diff", .string(row.litertCheck)),
        ])
    }

    private static func profile(_ profile: ModelProfile) -> JSONValue {
        let total = profile.totalMilliseconds
        return .object([
            ("name", .string(profile.name)),
            ("model", .string(profile.modelName)),
            ("steps", .array(profile.steps.map { step in
                let milliseconds = 1000 * step.medianSeconds
                return .object([
                    ("label", .string(step.label)),
                    ("share", .number(total > 0 ? milliseconds / total : 0)),
                    ("ms", .number(milliseconds)),
                    ("macs", .integer(step.multiplyAccumulates)),
                ])
            })),
        ])
    }
}
