/// A model compiled for execution: fused steps in order, every activation tensor placed in one arena by lifetime
/// (memory of dead tensors is reused), and the shared workspace size. Built once per model; running it allocates
/// nothing.
final class ExecutionPlan {
    struct Step {
        let label: String
        let multiplyAccumulates: Int
        let body: StepBody
        /// How the step splits across threads (nil: it runs as one piece).
        let partition: StepPartition?
        /// The CONV_2D layers the step runs (a fused depthwise + 1×1 block lists its 1×1 layer).
        let convolutions: [Conv2D]
    }

    let steps: [Step]
    /// Consecutive runs of steps in execution order, covering all steps: each group of several steps consists of
    /// splittable steps none of which reads what another one writes, so their parts may run on different threads
    /// at once (their tensors' lifetimes span the whole group, so the arena never shares memory between them).
    let groups: [StepGroup]
    /// Arena size in floats.
    let arenaCount: Int
    /// Workspace size in floats (the largest any step needs).
    let workspaceCount: Int
    /// Arena offset of every graph input and output, in the file's order.
    let inputOffsets: [Int]
    let outputOffsets: [Int]
    /// Keeps constant data alive for the step bodies.
    private let constants: ConstantPool
    /// Upper bound on arena plus workspace, in floats (2^28 floats = 1 GiB). The face models need a few million;
    /// the bound keeps a file that declares enormous activations from exhausting memory when the runner allocates.
    static let maximumMemoryFloats = 1 << 28

    /// Compiles `file`. With `reference`, nothing is fused (one step per operator) and every step runs its
    /// kernel's scalar reference as one piece (see `ModelRunner.Execution.reference`).
    init(file: ModelFile, reference: Bool = false) throws {
        guard !file.inputs.isEmpty, !file.outputs.isEmpty else { throw PlanError.emptyGraph }
        let builder = PlanBuilder(file: file, reference: reference)
        var fusionAtLast: [Int: ConvolutionFusion] = [:]
        var absorbed = Set<Int>()
        // 1×1 convolutions between a TRANSPOSE and its inverse (the blendshape network's token mixing) run as row
        // mixings, one step per convolution, without the transposes.
        var rowMixingAt: [Int: (fusion: RowMixingFusion, position: Int)] = [:]
        for (index, op) in file.operators.enumerated() where !reference && op.type == .transpose {
            // A TRANSPOSE that closes one block and opens the next belongs to the first block only.
            guard let fusion = RowMixingFusion.find(transpose: index, in: builder),
                  fusion.members.allSatisfy({ !absorbed.contains($0) && rowMixingAt[$0] == nil }) else { continue }
            let anchors = fusion.convolutions.indices.map { fusion.stepOperator($0) }
            for (position, anchor) in anchors.enumerated() { rowMixingAt[anchor] = (fusion, position) }
            absorbed.formUnion(fusion.members.filter { !anchors.contains($0) })
        }
        for (index, op) in file.operators.enumerated()
        where !reference && (op.type == .conv2D || op.type == .depthwiseConv2D) && !absorbed.contains(index)
            && rowMixingAt[index] == nil {
            let fusion = ConvolutionFusion.find(startingAt: index, in: builder)
            // A member already claimed by another chain cannot be shared.
            guard fusion.members.allSatisfy({
                $0 == index || (!absorbed.contains($0) && fusionAtLast[$0] == nil && rowMixingAt[$0] == nil)
            }) else {
                continue
            }
            fusionAtLast[fusion.last] = fusion
            absorbed.formUnion(fusion.members.filter { $0 != fusion.last })
        }
        // A lone depthwise convolution whose output only a 1×1 convolution reads runs inside that convolution's step.
        var joinedDepthwise: [Int: ConvolutionFusion] = [:]
        let chains = Array(fusionAtLast.values)
        for fusion in chains {
            if let pointwise = fusion.joinsPointwise(chains, in: builder) {
                joinedDepthwise[pointwise.last] = fusion
                absorbed.insert(fusion.convolution)
            }
        }
        // The ten operators of a layer normalisation (the blendshape network) run as one step.
        var layerNormalizationAtLast: [Int: LayerNormalizationFusion] = [:]
        for (index, op) in file.operators.enumerated() where !reference && op.type == .mean && !absorbed.contains(index) {
            if let fusion = LayerNormalizationFusion.find(mean: index, in: builder),
               fusion.members.allSatisfy({
                   !absorbed.contains($0) && layerNormalizationAtLast[$0] == nil && rowMixingAt[$0] == nil
               }) {
                layerNormalizationAtLast[fusion.last] = fusion
                absorbed.formUnion(fusion.members.filter { $0 != fusion.last })
            }
        }
        // A RESIZE_BILINEAR whose output only an ADD reads runs inside that ADD's step (the full-range detector's
        // upsampling paths).
        var resizeAtAdd: [Int: Int] = [:]
        for (index, op) in file.operators.enumerated() where !reference && op.type == .resizeBilinear
            && !absorbed.contains(index) {
            if let add = builder.resizeFeedingAdd(index), !absorbed.contains(add), fusionAtLast[add] == nil,
               rowMixingAt[add] == nil, layerNormalizationAtLast[add] == nil {
                resizeAtAdd[add] = index
                absorbed.insert(index)
            }
        }
        var planned: [PlannedStep] = []
        for index in file.operators.indices where !absorbed.contains(index) {
            if let resize = resizeAtAdd[index] {
                planned.append(try builder.planResizeAdd(resize: resize, add: index))
            } else if let (fusion, position) = rowMixingAt[index] {
                planned.append(try builder.planRowMixing(fusion, position: position))
            } else if let fusion = layerNormalizationAtLast[index] {
                planned.append(try builder.planLayerNormalization(fusion))
            } else if let fusion = fusionAtLast[index], let depthwise = joinedDepthwise[index] {
                planned.append(try builder.planDepthwisePointwise(depthwise, fusion))
            } else if let fusion = fusionAtLast[index] {
                planned.append(try builder.planConvolution(fusion))
            } else {
                planned.append(try Self.planSingle(index, builder))
            }
        }
        for output in file.outputs where builder.shapes[output] == nil {
            throw PlanError.shapeMismatch(index: file.operators.count, type: "graph",
                                          reason: "output '\(file.tensors[output].name)' is never produced")
        }
        // Outputs live in the arena: a constant is not computed by the graph (and has no arena place).
        for output in file.outputs where file.tensors[output].isConstant && !file.inputs.contains(output) {
            throw PlanError.shapeMismatch(index: file.operators.count, type: "graph",
                                          reason: "output '\(file.tensors[output].name)' is a constant, not computed by the graph")
        }

        let groupRanges = Self.independentRuns(planned)
        var groupOfStep = [Int](repeating: 0, count: planned.count)
        for (group, range) in groupRanges.enumerated() { for step in range { groupOfStep[step] = group } }

        // Lifetimes, counted in groups: graph inputs are live from before the first group, graph outputs to after
        // the last; a tensor read or written anywhere in a group is live during the whole group.
        var first: [Int: Int] = [:], last: [Int: Int] = [:]
        for input in file.inputs { first[input] = -1; last[input] = -1 }
        for (index, step) in planned.enumerated() {
            let position = groupOfStep[index]
            for tensor in step.writes where first[tensor] == nil { first[tensor] = position; last[tensor] = position }
            for tensor in step.reads { last[tensor] = max(last[tensor] ?? position, position) }
        }
        for output in file.outputs { last[output] = groupRanges.count }
        let requests = first.keys.sorted().map { tensor in
            ArenaAllocator.Request(tensor: tensor, size: file.tensors[tensor].elementCount,
                                   first: first[tensor]!, last: last[tensor]!)
        }
        let (offsets, arenaCount) = ArenaAllocator.assign(requests)
        let workspaceCount = planned.map(\.workspaceCount).max() ?? 0
        guard arenaCount <= Self.maximumMemoryFloats - workspaceCount else {
            throw PlanError.memoryLimitExceeded(required: arenaCount + workspaceCount, limit: Self.maximumMemoryFloats)
        }
        func address(_ tensor: Int) -> TensorAddress {
            if let constant = builder.constantAddress(tensor) { return constant }
            return TensorAddress(location: .arena(offset: offsets[tensor]!))
        }
        steps = try planned.map { planned in
            let compiled = try planned.build(address)
            return Step(label: planned.label, multiplyAccumulates: planned.multiplyAccumulates, body: compiled.body,
                        partition: compiled.partition, convolutions: planned.convolutions)
        }
        let steps = self.steps
        groups = groupRanges.map { range in
            StepGroup(steps: range, members: range.count > 1 ? range.map { steps[$0].partition! } : [])
        }
        self.arenaCount = arenaCount
        self.workspaceCount = workspaceCount
        inputOffsets = file.inputs.map { offsets[$0]! }
        outputOffsets = file.outputs.map { offsets[$0]! }
        constants = builder.constants
    }

    /// Most steps one group may hold.
    static let maximumGroupSize = 8

    /// Splits the steps into consecutive runs: a run grows while the next step is splittable and reads nothing
    /// the run writes.
    private static func independentRuns(_ planned: [PlannedStep]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start = 0
        while start < planned.count {
            var end = start + 1
            if planned[start].splittable {
                var written = Set(planned[start].writes)
                while end < planned.count, end - start < maximumGroupSize, planned[end].splittable,
                      planned[end].reads.allSatisfy({ !written.contains($0) }) {
                    written.formUnion(planned[end].writes)
                    end += 1
                }
            }
            runs.append(start..<end)
            start = end
        }
        return runs
    }

    private static func planSingle(_ index: Int, _ builder: PlanBuilder) throws -> PlannedStep {
        switch builder.op(index).type {
        case .conv2D, .depthwiseConv2D: return try builder.planConvolution(ConvolutionFusion(convolution: index))
        case .add: return try builder.planAdd(index)
        case .mul: return try builder.planMultiply(index)
        case .prelu, .relu: return try builder.planActivation(index)
        case .maxPool2D: return try builder.planMaxPool(index)
        case .pad: return try builder.planPad(index)
        case .reshape: return try builder.planReshape(index)
        case .concatenation: return try builder.planConcatenation(index)
        case .stridedSlice: return try builder.planStridedSlice(index)
        case .logistic, .sqrt, .rsqrt, .neg: return try builder.planUnary(index)
        case .sub: return try builder.planBroadcastBinary(index, .subtract)
        case .div: return try builder.planBroadcastBinary(index, .divide)
        case .squaredDifference: return try builder.planBroadcastBinary(index, .squaredDifference)
        case .mean, .sum: return try builder.planReduction(index)
        case .transpose: return try builder.planTranspose(index)
        case .resizeBilinear: return try builder.planResizeBilinear(index)
        case .depthToSpace: return try builder.planDepthToSpace(index)
        case .landmarks2TransformMatrix: return try builder.planLandmarks2TransformMatrix(index)
        case .transformTensorBilinear: return try builder.planTransformTensorBilinear(index)
        case .transformLandmarks: return try builder.planTransformLandmarks(index)
        case .unsupported(let name): throw PlanError.unsupportedOperator(index: index, type: name)
        }
    }
}

/// Chooses, run by run, whether a runner with worker threads splits its steps or runs them all on the calling
/// thread, from the measured duration of recent runs of each kind (internal).
///
/// On a machine with a free core the split run is faster and is chosen; when other processes hold the cores,
/// waiting for a descheduled worker makes split runs slower than serial ones, and serial runs are chosen. Every
/// `probeInterval`-th run tries the other mode so that both estimates stay current; only every
/// `clearWinProbeInterval`-th while split runs are clearly faster, since each probe is then a slow run, and the
/// split runs' own times, measured on every run, show when the machine gets busy. Each mode's estimate is the
/// median of its last `window` runs (robust to single runs the OS interrupts). Both modes compute identical
/// results. Nothing is allocated after initialisation.
struct ExecutionModeChooser {
    /// Runs between two runs of the mode not currently preferred.
    static let probeInterval = 8
    /// Runs between two serial probes while split runs are clearly faster (serial median ≥ 1.25 × split median).
    static let clearWinProbeInterval = 64
    /// Recent runs kept per mode.
    static let window = 5

    private var parallelRuns = RecentDurations()
    private var serialRuns = RecentDurations()
    private var runs = 0

    /// Whether the next run should split its steps across threads.
    mutating func nextRunIsParallel() -> Bool {
        runs += 1
        guard let parallel = parallelRuns.median else { return true }
        guard let serial = serialRuns.median else { return runs % Self.probeInterval != 0 }
        let preferParallel = parallel <= serial
        let interval = preferParallel && serial * 4 >= parallel * 5 ? Self.clearWinProbeInterval : Self.probeInterval
        return runs % interval == 0 ? !preferParallel : preferParallel
    }

    /// Whether split runs have recently been at least as fast as serial ones (true before both were measured);
    /// unlike `nextRunIsParallel()` it counts no run and never probes.
    var prefersParallel: Bool {
        guard let parallel = parallelRuns.median, let serial = serialRuns.median else { return true }
        return parallel <= serial
    }

    /// Records the duration of a run of the given mode, in nanoseconds.
    mutating func record(parallel: Bool, nanoseconds: UInt64) {
        if parallel { parallelRuns.append(nanoseconds) } else { serialRuns.append(nanoseconds) }
    }

    /// The last `window` durations in a fixed ring (no heap storage).
    private struct RecentDurations {
        private var values: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        private var count = 0

        mutating func append(_ value: UInt64) {
            switch count % ExecutionModeChooser.window {
            case 0: values.0 = value
            case 1: values.1 = value
            case 2: values.2 = value
            case 3: values.3 = value
            default: values.4 = value
            }
            count += 1
        }

        /// Median of the stored durations (the lower middle one for an even count); nil when none.
        var median: UInt64? {
            let stored = min(count, ExecutionModeChooser.window)
            guard stored > 0 else { return nil }
            var sorted = (values.0, values.1, values.2, values.3, values.4)
            return withUnsafeMutableBytes(of: &sorted) { raw in
                let buffer = raw.bindMemory(to: UInt64.self)
                var slice = UnsafeMutableBufferPointer(rebasing: buffer[0..<stored])
                slice.sort()
                return slice[(stored - 1) / 2]
            }
        }
    }
}
