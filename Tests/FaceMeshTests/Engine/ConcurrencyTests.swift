import Foundation
import XCTest
@testable import FaceMesh

/// Engines share nothing: several engines on several threads give bit-identical results to one engine.
final class ConcurrencyTests: XCTestCase {
    func testEnginesOnParallelThreadsMatchASingleEngine() throws {
        let paths = ["Tests/Fixtures/Images/mpl_grace_hopper.jpg", "Tests/Fixtures/Images/extra/faces_montage3.png",
                     "Tests/Fixtures/Images/skimage_astronaut.png", "Tests/Fixtures/Images/extra/grace_hopper_rolled28.png"]
        let frames = try paths.map { try TestFiles.frame($0) }
        let models: [LandmarkModelKind] = [.mesh, .attention, .cascade, .attention]
        func run(_ model: LandmarkModelKind) throws -> [[Landmark]] {
            let engine = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: true, maxFaces: 3, model: model,
                                                                     weightsDirectory: TestFiles.weights))
            var results: [[Landmark]] = []
            for _ in 0..<2 {
                for frame in frames { results += try engine.process(frame).map(\.landmarks) }
            }
            return results
        }
        let expected = try models.map(run)
        let lock = NSLock()
        var parallel = [[[Landmark]]?](repeating: nil, count: models.count)
        var failures: [String] = []
        DispatchQueue.concurrentPerform(iterations: models.count) { index in
            do {
                let result = try run(models[index])
                lock.withLock { parallel[index] = result }
            } catch {
                lock.withLock { failures.append("\(error)") }
            }
        }
        XCTAssertEqual(failures, [])
        for index in models.indices {
            XCTAssertEqual(parallel[index], expected[index], "thread \(index) (\(models[index]))")
            XCTAssertFalse(expected[index].isEmpty)
        }
    }

    /// `FaceMeshOptions.threads` splits each inference over worker threads without changing a bit of the result,
    /// for every model (video mode, so tracking runs too); counts outside 1...64 are rejected.
    func testThreadsOptionGivesIdenticalResults() throws {
        let frames = try ["Tests/Fixtures/Images/mpl_grace_hopper.jpg", "Tests/Fixtures/Images/extra/faces_montage3.png"]
            .map { try TestFiles.frame($0) }
        for model in [LandmarkModelKind.mesh, .attention, .cascade] {
            func run(threads: Int) throws -> [[Landmark]] {
                let engine = try FaceMeshEngine(options: FaceMeshOptions(maxFaces: 3, model: model,
                                                                         weightsDirectory: TestFiles.weights,
                                                                         threads: threads))
                var results: [[Landmark]] = []
                for frame in frames + frames { results += try engine.process(frame).map(\.landmarks) }
                return results
            }
            let single = try run(threads: 1)
            XCTAssertFalse(single.isEmpty, "\(model)")
            XCTAssertEqual(try run(threads: 2), single, "\(model)")
        }
        for threads in [0, 65] {
            XCTAssertThrowsError(try FaceMeshEngine(options: FaceMeshOptions(weightsDirectory: TestFiles.weights,
                                                                             threads: threads))) { error in
                guard case .invalidOption? = error as? FaceMeshError else { return XCTFail("\(error)") }
            }
        }
    }
}
