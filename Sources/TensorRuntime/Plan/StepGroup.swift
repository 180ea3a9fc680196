/// Consecutive independent steps of a plan, executed as one parallel task (internal).
///
/// With `parts` threads, part p computes, of every member step with at least `parts` units, the p-th of `parts`
/// nearly equal unit ranges, and whole the member steps with fewer units whose index in the group is p modulo
/// `parts`. Members are independent (none reads another's output), so the parts may run at once; each member's
/// units get the same arithmetic as in a whole run of the step.
struct StepGroup {
    /// The steps of the plan in this group.
    let steps: Range<Int>
    /// The members' partitions, in order; empty when the group is a single step (which uses its own partition
    /// or runs whole).
    let members: [StepPartition]

    /// Estimated single-thread cost of all members.
    var estimatedNanoseconds: Double { members.reduce(0) { $0 + $1.estimatedNanoseconds } }

    /// Computes part `part` of `parts` of a group of several steps.
    func run(part: Int, of parts: Int, context: ExecutionContext) {
        for index in members.indices {
            let member = members[index]
            if member.units >= parts {
                member.run(context, ParallelSchedule.units(part: part, of: parts, units: member.units))
            } else if index % parts == part {
                member.run(context, 0..<member.units)
            }
        }
    }
}
