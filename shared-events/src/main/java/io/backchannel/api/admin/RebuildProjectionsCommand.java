package io.backchannel.api.admin;

/**
 * An operator's order to rebuild every projection from the event store: the query side stops its
 * projection processor, drops the collections the projections own, resets the processor's tracking token
 * to the start of the store, and starts it again. Answered with {@link ProjectionRebuildStarted} once the
 * reset is done; the replay itself goes on in the background (see {@link FetchProjectionStatusQuery}).
 *
 * @param requestedBy the user id of the operator, for the log
 */
public record RebuildProjectionsCommand(String requestedBy) {
}
