import Foundation

/// Writes whole buffers to a pipe without letting a closed reading end kill the process.
///
/// Writing to a pipe whose reader has exited raises SIGPIPE, whose default action terminates the process. Rather
/// than ignoring SIGPIPE process-wide (global state the host program may rely on), the signal is blocked for the
/// calling thread during the write; if the write fails with EPIPE, the signal it left pending on the thread is
/// consumed before the previous signal mask is restored.
enum PipeWriting {
    /// Writes all of `bytes` to `descriptor`, continuing after short writes and interruptions.
    /// - Returns: false if the reading end is closed (EPIPE), true once everything is written.
    /// - Throws: `VideoError.inputOutput` for any other write error.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws -> Bool {
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var pending = sigset_t()
        sigpending(&pending)
        let wasPending = sigismember(&pending, SIGPIPE) == 1
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previousMask)
        var brokenPipe = false
        defer {
            if brokenPipe, !wasPending {
                var noWait = timespec(tv_sec: 0, tv_nsec: 0)
                while sigtimedwait(&pipeSignal, nil, &noWait) == -1, errno == EINTR {}
            }
            pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        }
        var offset = 0
        while offset < bytes.count {
            let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count >= 0 {
                offset += count
            } else if errno == EPIPE {
                brokenPipe = true
                return false
            } else if errno != EINTR {
                throw VideoError.inputOutput(String(cString: strerror(errno)))
            }
        }
        return true
    }
}
