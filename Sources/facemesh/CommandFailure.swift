import ArgumentParser
import Foundation

/// Reports a failure as one line on standard error ("facemesh: error: …") and ends the command with exit
/// status 1. Every error the command can meet (decoding, video, model, I/O) goes through here, so the output
/// stays one line whatever the error's own text holds.
enum CommandFailure {
    /// A single-line message for `error`: its description with line breaks folded into "; ".
    static func message(for error: Error) -> String {
        let text = String(describing: error)
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
    }

    /// Writes the message for `error` to standard error and returns the exit code to throw.
    static func report(_ error: Error) -> ExitCode {
        StandardError.writeLine("facemesh: error: " + message(for: error))
        return .failure
    }

    /// Runs `body`, turning any error it throws into a one-line report and exit status 1.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw report(error)
        }
    }
}
