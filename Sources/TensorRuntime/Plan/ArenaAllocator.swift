/// Assigns arena offsets to tensors from their lifetimes so that tensors alive at the same time never overlap and
/// dead tensors' memory is reused. Greedy by decreasing size, first fit: each tensor goes to the lowest offset where it
/// does not collide with an already placed tensor whose lifetime intersects its own.
enum ArenaAllocator {
    /// A buffer request: `size` floats alive from step `first` through step `last` (inclusive).
    struct Request {
        let tensor: Int
        let size: Int
        let first: Int
        let last: Int
    }

    /// Floats between buffer starts: 16 floats = 64 bytes, a cache line and an AVX-512 vector.
    static let alignment = 16

    /// Returns each tensor's offset (in floats) and the total arena size.
    static func assign(_ requests: [Request]) -> (offsets: [Int: Int], size: Int) {
        let order = requests.sorted { ($0.size, $1.tensor) > ($1.size, $0.tensor) }
        var placed: [(offset: Int, end: Int, first: Int, last: Int)] = []
        var offsets: [Int: Int] = [:]
        var total = 0
        for request in order {
            let rounded = (request.size + alignment - 1) / alignment * alignment
            let conflicts = placed
                .filter { $0.first <= request.last && request.first <= $0.last }
                .sorted { $0.offset < $1.offset }
            var candidate = 0
            for block in conflicts {
                if candidate + rounded <= block.offset { break }
                candidate = max(candidate, block.end)
            }
            placed.append((candidate, candidate + rounded, request.first, request.last))
            offsets[request.tensor] = candidate
            total = max(total, candidate + rounded)
        }
        return (offsets, total)
    }
}
