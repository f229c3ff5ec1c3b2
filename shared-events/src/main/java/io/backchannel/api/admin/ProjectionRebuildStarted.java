package io.backchannel.api.admin;

import java.time.Instant;
import java.util.List;

/**
 * The answer to {@link RebuildProjectionsCommand}: the projections are empty and the replay has started.
 *
 * @param processor          the tracking processor that replays
 * @param droppedCollections the projection collections that were dropped (the token collection is kept)
 * @param replayUntil        the event store's head position when the replay started: the replay is done
 *                           once the processor is past it
 * @param startedAt          when the replay started
 */
public record ProjectionRebuildStarted(String processor, List<String> droppedCollections, long replayUntil,
                                       Instant startedAt) {
}
