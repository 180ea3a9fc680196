import Foundation
import TensorRuntime

/// Names of the benchmark workloads, in table order (also the JSON `name` values and the LiteRT child's names).
enum WorkloadName {
    static let mesh = "mesh", iris = "iris", cascade = "cascade", attention = "attention", detector = "detector"
    static let frame = "frame"
    static let all = [mesh, iris, cascade, attention, detector, frame]
}

/// A single model and the input its steps are profiled on (`--profile`).
struct ProfiledModel {
    let runner: ModelRunner
    let input: [Float]
}

/// One thing the benchmark times: a closure that performs one inference (or one pipeline frame) on real inputs.
struct Workload {
    /// One of `WorkloadName`.
    let name: String
    /// What one run does, for the notes under the table.
    let summary: String
    /// Convolution multiply-accumulates of one run.
    let multiplyAccumulates: Int
    /// The input files for the LiteRT child, in its `load` order; nil when LiteRT has no counterpart.
    let litertInputs: [URL]?
    /// The model profiled step by step with `--profile`; nil for composite workloads.
    let profiled: ProfiledModel?
    /// Performs one run.
    let run: () throws -> Void
}
