package io.backchannel.api;

/** Thrown by a handler that refuses a message; carries the {@link Rejection} to the edge. */
public class RejectedException extends RuntimeException {

    private final transient Rejection rejection;

    public RejectedException(Rejection rejection) {
        super(rejection.detail(), null, false, false);
        this.rejection = rejection;
    }

    public Rejection rejection() { return rejection; }
}
