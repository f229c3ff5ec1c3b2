package io.backchannel.api.channel;

import java.util.List;

public record EventPage(List<ChannelEvent> events, boolean hasMore) {
}
