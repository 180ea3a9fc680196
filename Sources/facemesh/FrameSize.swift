import ArgumentParser

/// A frame size written `WIDTHxHEIGHT` (e.g. `640x480`), for raw video on standard input.
struct FrameSize: ExpressibleByArgument, Equatable {
    let width: Int
    let height: Int

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0 else {
            return nil
        }
        self.width = width
        self.height = height
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
