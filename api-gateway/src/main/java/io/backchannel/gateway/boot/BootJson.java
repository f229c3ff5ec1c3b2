package io.backchannel.gateway.boot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backchannel.api.team.BootView;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A boot answer written as {@link BootView}'s JSON, from pieces that are mostly written once. A team's
 * channels make up nearly all of a boot, and each one's entry is the same for every caller up to the
 * three fields of the caller's own membership; so each channel keeps the shared head of its entry, as
 * bytes, until it changes, and a boot is a copy of those heads with a short tail each. (With Jackson
 * writing every entry of every boot, serialising was most of a boot's time at 1,000 channels.) The
 * oracle in BootEndToEndTest compares this with Jackson's rendering of the same boot, built afresh.
 */
final class BootJson {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
            .build();
    private static final byte[] NOT_A_MEMBER = ascii(",\"isMember\":false,\"lastReadSeq\":-1,\"unreadCount\":0}");

    private static final byte[] COMMA = ascii(",");

    private final ObjectMapper json;
    /** The answer's pieces, copied once into an array of their exact total size at the end. */
    private final List<byte[]> parts;
    private int size;
    private boolean firstChannel = true;

    BootJson(ObjectMapper json, BootView.Team team, BootView.Self self, int channels) {
        this.json = json;
        this.parts = new ArrayList<>(3 * channels + 8);
        add(ascii("{\"team\":"));
        add(write(team));
        add(ascii(",\"self\":"));
        add(write(self));
        add(ascii(",\"channels\":["));
    }

    /**
     * The fields of a channel's entry that every caller shares, up to {@code lastSeq}, as an object
     * left open for {@link #channel}'s tail.
     */
    static byte[] head(String channelId, String name, boolean isPrivate, long memberCount, long lastSeq) {
        ByteArrayOutputStream head = new ByteArrayOutputStream(128);
        try (JsonGenerator generator = FACTORY.createGenerator(head)) {
            generator.writeStartObject();
            generator.writeStringField("channelId", channelId);
            generator.writeStringField("name", name);
            generator.writeBooleanField("private", isPrivate);
            generator.writeNumberField("memberCount", memberCount);
            generator.writeNumberField("lastSeq", lastSeq);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return head.toByteArray();
    }

    /** A channel the caller is not a member of. */
    void channel(byte[] head) {
        separate();
        add(head);
        add(NOT_A_MEMBER);
    }

    /** A channel the caller is a member of. */
    void channel(byte[] head, long lastReadSeq, long unreadCount) {
        separate();
        add(head);
        add(ascii(",\"isMember\":true,\"lastReadSeq\":" + lastReadSeq + ",\"unreadCount\":" + unreadCount + "}"));
    }

    byte[] finish(String version) {
        add(ascii("],\"version\":"));
        add(write(version));
        add(ascii("}"));
        byte[] answer = new byte[size];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, answer, at, part.length);
            at += part.length;
        }
        return answer;
    }

    private void separate() {
        if (!firstChannel) {
            add(COMMA);
        }
        firstChannel = false;
    }

    private void add(byte[] part) {
        parts.add(part);
        size += part.length;
    }

    private byte[] write(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
