package io.backchannel.api.admin;

/** Where the projection processor is: answered with a {@link ProjectionStatus}. */
public record FetchProjectionStatusQuery() {
}
