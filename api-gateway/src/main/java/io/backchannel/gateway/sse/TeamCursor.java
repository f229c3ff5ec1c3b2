package io.backchannel.gateway.sse;

import io.backchannel.api.Rejection;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The opaque {@code id} of a team stream: the last seq given per channel, deflated and base64url-encoded,
 * so a reconnect resumes every channel exactly where it stopped with no state kept on the server.
 */
final class TeamCursor {

    private static final int MAX_DECODED = 1 << 20;

    private TeamCursor() {
    }

    static String encode(Map<String, Long> lastSeqs) {
        StringBuilder plain = new StringBuilder();
        new TreeMap<>(lastSeqs).forEach((channelId, seq) -> plain.append(channelId).append('=').append(seq).append(';'));
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(plain.toString().getBytes(StandardCharsets.UTF_8));
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[512];
        while (!deflater.finished()) {
            out.write(chunk, 0, deflater.deflate(chunk));
        }
        deflater.end();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    }

    static Map<String, Long> decode(String cursor) {
        try {
            Inflater inflater = new Inflater();
            inflater.setInput(Base64.getUrlDecoder().decode(cursor.trim()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[512];
            while (!inflater.finished()) {
                int read = inflater.inflate(chunk);
                if (read == 0 && (inflater.needsInput() || inflater.needsDictionary()) || out.size() > MAX_DECODED) {
                    throw new DataFormatException("truncated or oversize cursor");
                }
                out.write(chunk, 0, read);
            }
            inflater.end();
            Map<String, Long> lastSeqs = new TreeMap<>();
            for (String entry : out.toString(StandardCharsets.UTF_8).split(";")) {
                if (!entry.isEmpty()) {
                    int equals = entry.lastIndexOf('=');
                    lastSeqs.put(entry.substring(0, equals), Long.parseLong(entry.substring(equals + 1)));
                }
            }
            return lastSeqs;
        } catch (IllegalArgumentException | DataFormatException | IndexOutOfBoundsException e) {
            throw Rejection.invalid("Last-Event-ID is not a cursor this server issued").exception();
        }
    }
}
