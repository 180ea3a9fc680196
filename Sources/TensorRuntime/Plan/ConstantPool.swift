/// Owns the constant Float data that generic steps read at run time (MUL's constant operand, standalone PReLU
/// alphas, constant ADD operands). Kernels that pre-pack their weights keep their own copies instead.
final class ConstantPool {
    private var blocks: [UnsafeMutablePointer<Float>] = []
    private var byTensor: [Int: UnsafeMutablePointer<Float>] = [:]

    /// The 64-byte aligned copy of `values` for tensor `index`, made once.
    func pointer(forTensor index: Int, values: () -> [Float]) -> UnsafeMutablePointer<Float> {
        if let existing = byTensor[index] { return existing }
        let data = values()
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(data.count, 1) * 4, alignment: 64)
        let pointer = raw.bindMemory(to: Float.self, capacity: max(data.count, 1))
        data.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { pointer.update(from: base, count: data.count) }
        }
        blocks.append(pointer)
        byTensor[index] = pointer
        return pointer
    }

    deinit {
        for block in blocks { UnsafeMutableRawPointer(block).deallocate() }
    }
}
