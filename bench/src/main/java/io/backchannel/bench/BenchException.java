package io.backchannel.bench;

/** A failure the bench reports in one line (no stack trace needed). */
final class BenchException extends RuntimeException {
    BenchException(String message) {
        super(message);
    }
}
