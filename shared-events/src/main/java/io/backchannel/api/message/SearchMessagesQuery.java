package io.backchannel.api.message;

import java.util.List;

/**
 * Messages of a team whose current text holds every one of {@code terms} as a whole word, from the
 * channels {@code userId} may read, newest first. Answers a {@link MessagePage}.
 */
public record SearchMessagesQuery(String teamId, String userId, List<String> terms, int limit) {
}
