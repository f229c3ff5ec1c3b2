package io.backchannel.command.channel;

import org.axonframework.modelling.command.AggregateLifecycle;

/** How another aggregate opens a channel inside its own unit of work, so both commit or neither does. */
public final class Channels {

    private Channels() {
    }

    public static void open(String channelId, String teamId, String name, boolean isPrivate, String creatorId) {
        try {
            AggregateLifecycle.createNew(Channel.class, () -> new Channel(channelId, teamId, name, isPrivate, creatorId));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // createNew declares Exception for factories that throw checked ones; ours throws none.
            throw new IllegalStateException(e);
        }
    }
}
