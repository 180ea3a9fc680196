import Foundation
import TestSupport
import XCTest

/// A guard on the machine code of the numeric kernels, not on their values: the register tiles must contain their
/// vector loads and stores, never call them.
///
/// The kernels read and write SIMD registers through the standard library's generic `loadUnaligned(as:)` and
/// `storeBytes(of:as:)`. The SIL performance inliner normally inlines their specialisations, but it stops inlining
/// into a caller past a block budget, and whether the budget is reached depends on the rest of the module: adding
/// two more tile shapes to `ConvolutionTilesAVX512.swift` turned every vector load and store of every tile into an
/// out-of-line call (1,184 calls; SIMD16 passed as four xmm halves, accumulators spilled around each call), with
/// the same results bit for bit and 8% of the mesh model's time in the calls. The value tests cannot see that, and
/// a timed test would be noise on a shared machine, so this test disassembles its own executable (the kernel
/// modules are built optimised in every configuration, see Package.swift) and requires zero such calls from the
/// TensorRuntime and TensorKernelsAVX512 modules.
final class KernelMachineCodeTests: XCTestCase {
    func testKernelsNeverCallOutOfLineVectorLoadsOrStores() throws {
        #if os(Linux) && arch(x86_64)
        if dlsym(nil, "__asan_init") != nil || dlsym(nil, "__tsan_init") != nil {
            throw XCTSkip("a sanitizer build instruments the kernels; the machine-code check applies to plain builds")
        }
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        guard let objdump = Self.tool(named: "objdump") else {
            throw ContinuousIntegration.missing("objdump (binutils) to disassemble the test executable")
        }
        let calls = try Self.outOfLineVectorMemoryCalls(in: executable, objdump: objdump)
        let kernelCalls = calls.filter { call in
            call.callee.contains("SIMD") && Self.kernelModulePrefixes.contains { call.caller.hasPrefix($0) }
        }
        let byCaller = Dictionary(grouping: kernelCalls, by: \.caller).mapValues(\.count)
        let worst = byCaller.sorted { $0.value > $1.value }.prefix(5).map { "\($0.value) in \($0.key)" }
        XCTAssertEqual(kernelCalls.count, 0, """
            the kernels call the standard library's vector loads/stores out of line (the SIL inliner's caller \
            budget was reached; see this file's description): \(worst.joined(separator: "; "))
            """)
        #else
        throw XCTSkip("the machine-code check reads x86-64 Linux executables")
        #endif
    }

    /// Mangled-name prefixes of the two modules whose functions are checked.
    private static let kernelModulePrefixes = ["$s13TensorRuntime", "$s19TensorKernelsAVX512"]

    /// One call instruction: the function that contains it and the symbol it calls (both as objdump prints them).
    private struct Call {
        let caller: String
        let callee: String
    }

    /// Every call in `executable` whose target is a specialisation of `loadUnaligned` or `storeBytes` (for any
    /// type; the caller keeps those of SIMD types). awk filters objdump's listing in the same pipeline (about 60 MB
    /// for the debug test executable); TestSupport's `ToolRunner.run` throws with the pipeline's standard error
    /// when either tool fails.
    private static func outOfLineVectorMemoryCalls(in executable: String, objdump: String) throws -> [Call] {
        let script = """
            set -o pipefail; "$0" -d --no-show-raw-insn "$1" | \
            awk '/^[0-9a-f]+ <.*>:$/ { caller = $2 } /\\tcall / && /loadUnaligned|storeBytes/ { print caller, $NF }'
            """
        let data = try ToolRunner.run(URL(fileURLWithPath: "/bin/bash"), ["-c", script, objdump, executable])
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 2 else { return nil }
            // objdump prints "<symbol>:" for a function and "<symbol>" for a call target.
            let symbol = { (field: Substring) in String(field.drop { $0 == "<" }.prefix { $0 != ">" }) }
            return Call(caller: symbol(fields[0]), callee: symbol(fields[1]))
        }
    }

    /// The first executable file named `name` on `PATH`, nil when there is none.
    private static func tool(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
