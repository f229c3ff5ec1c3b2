package io.backchannel.api.team;

import java.util.List;

/**
 * What a boot cache needs to start following a team: its name, its members, its channels (whose state
 * the cache folds from their own logs) and its read markers.
 */
public record TeamDirectory(String teamId, String name, List<String> memberIds, List<String> channelIds,
                            List<ReadMarker> readMarkers) {

    public record ReadMarker(String userId, String channelId, long seq) {
    }
}
