package io.backchannel.api;

/**
 * Why a command or query was refused, in terms a client can act on. It travels as the details of
 * Axon's execution exceptions, so the gateway maps it to the same status whether the handler ran
 * in this JVM or behind Axon Server.
 */
public record Rejection(Kind kind, String detail) {

    public enum Kind { INVALID, FORBIDDEN, NOT_FOUND, CONFLICT }

    public static Rejection invalid(String detail) { return new Rejection(Kind.INVALID, detail); }

    public static Rejection forbidden(String detail) { return new Rejection(Kind.FORBIDDEN, detail); }

    public static Rejection notFound(String detail) { return new Rejection(Kind.NOT_FOUND, detail); }

    public static Rejection conflict(String detail) { return new Rejection(Kind.CONFLICT, detail); }

    public RejectedException exception() { return new RejectedException(this); }
}
