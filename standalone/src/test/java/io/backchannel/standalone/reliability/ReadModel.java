package io.backchannel.standalone.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backchannel.standalone.Api;
import io.backchannel.standalone.Api.User;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a set of users can read through the API, as canonical JSON under a readable key: per user and
 * team the boot (without its opaque {@code version}), the members and (when the endpoint exists) searches;
 * per user and visible channel the channel, its raw event log, its history and every thread's replies. Two
 * snapshots of the same data compare equal, entry by entry, and so do their hashes.
 */
final class ReadModel {

    private final Map<String, String> entries;

    private ReadModel(Map<String, String> entries) {
        this.entries = entries;
    }

    /** Reads as each user, in each of the teams listed for them (the API has no "my teams" call). */
    static ReadModel read(Api api, Map<User, List<String>> teamsByUser, List<String> searchWords,
                          boolean withSearch) {
        Map<String, String> entries = new TreeMap<>();
        for (var userTeams : teamsByUser.entrySet()) {
            User user = userTeams.getKey();
            for (String teamId : userTeams.getValue()) {
                String key = user.username() + " " + teamId;
                JsonNode boot = api.get("/api/teams/" + teamId + "/boot", user).expect(200).body().deepCopy();
                ((ObjectNode) boot).remove("version");
                entries.put(key + " boot", boot.toString());
                entries.put(key + " members", members(api, user, teamId));
                if (withSearch) {
                    for (String word : searchWords) {
                        entries.put(key + " search " + word,
                                api.get("/api/teams/" + teamId + "/search?limit=200&q=" + word, user).expect(200)
                                        .body().toString());
                    }
                }
                for (JsonNode channel : boot.path("channels")) {
                    String channelId = channel.path("channelId").asText();
                    String channelKey = user.username() + " " + channelId;
                    entries.put(channelKey + " channel", api.get("/api/channels/" + channelId, user).expect(200)
                            .body().toString());
                    entries.put(channelKey + " events", api.events(user, channelId).toString());
                    List<JsonNode> history = api.history(user, channelId);
                    entries.put(channelKey + " history", history.toString());
                    for (JsonNode message : history) {
                        if (message.path("replyCount").asLong() > 0) {
                            long seq = message.path("seq").asLong();
                            entries.put(channelKey + " replies " + seq, api.replies(user, channelId, seq).toString());
                        }
                    }
                }
            }
        }
        return new ReadModel(entries);
    }

    private static String members(Api api, User user, String teamId) {
        List<String> pages = new ArrayList<>();
        String after = null;
        do {
            JsonNode page = api.get("/api/teams/" + teamId + "/members?limit=200" + (after == null ? "" : "&after=" + after),
                    user).expect(200).body();
            pages.add(page.path("members").toString());
            after = page.path("next").isNull() || page.path("next").isMissingNode() ? null : page.path("next").asText();
        } while (after != null);
        return String.join("", pages);
    }

    Map<String, String> entries() {
        return entries;
    }

    int size() {
        return entries.size();
    }

    String sha256() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            entries.forEach((key, value) -> {
                digest.update(key.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(value.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            });
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
