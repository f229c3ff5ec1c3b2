package io.backchannel.api.admin;

/**
 * The projection processor as the query side sees it now.
 *
 * @param processor the tracking processor's name
 * @param running   whether it is running
 * @param replaying whether it is replaying (after a rebuild, until it passes the position it was reset at)
 * @param error     the error it is retrying after, or null: a failing write is retried, never skipped
 * @param position  the position (global index) of the last event it handled, -1 if none
 * @param head      the position of the newest event in the store, -1 if none
 * @param lag       events stored but not yet projected: {@code head - position}, never below 0. The projections
 *                  have caught up when {@code error} is null and {@code position >= head}
 */
public record ProjectionStatus(String processor, boolean running, boolean replaying, String error, long position,
                               long head, long lag) {
}
