package io.backchannel.gateway.stream;

import org.springframework.stereotype.Component;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Who holds an open stream on this node: {@code online} while a user has at least one, else {@code away}. */
@Component
public class Presence {

    public static final String ONLINE = "online";
    public static final String AWAY = "away";

    private final ConcurrentMap<String, Integer> openStreams = new ConcurrentHashMap<>();

    public void opened(String userId) {
        openStreams.merge(userId, 1, Integer::sum);
    }

    public void closed(String userId) {
        openStreams.computeIfPresent(userId, (user, open) -> open > 1 ? open - 1 : null);
    }

    public String of(String userId) {
        return openStreams.containsKey(userId) ? ONLINE : AWAY;
    }
}
