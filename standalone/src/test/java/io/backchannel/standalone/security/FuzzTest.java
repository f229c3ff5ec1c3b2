package io.backchannel.standalone.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.standalone.SharedServer;
import io.backchannel.standalone.security.Http.Reply;
import io.backchannel.standalone.security.Http.User;
import io.backchannel.standalone.TestJson;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Seeded fuzzing of every endpoint and every WebSocket frame type with input that must be refused: wrong types,
 * missing fields, huge numbers, unicode junk, deep nesting, random bytes, wrong content types, bad path ids, bad
 * query parameters, broken tokens. Every request is one the server must refuse, so it must answer 4xx (a problem
 * detail), never 5xx, never a dropped connection; every frame gets an error frame and the socket stays open.
 * Afterwards the server is healthy, a normal send works, and not one event was stored in any target channel: each
 * channel's next send lands exactly one seq after where it stood before the fuzz.
 *
 * <p>The seed is printed; rerun a failure with {@code -Dfuzz.seed=<seed>}.
 */
class FuzzTest {

    private static final int HTTP_REQUESTS = 1_200;
    private static final int WS_FRAMES = 600;
    private static final int RAW_CONNECTIONS = 40;

    private final Http http = new Http(SharedServer.baseUrl());

    private Random random;
    private User fuzzer;
    private User stranger;
    private String team;
    private String strangersTeam;
    private final Map<String, User> targets = new LinkedHashMap<>();
    private final List<String> channels = new ArrayList<>();

    /** A request to make: what it is, and how to make it. */
    record Request(String what, String method, String path, String token, String contentType, Object body,
                   Map<String, String> headers) {
    }

    @Test
    void malformedRequestsAndFramesAreRefusedWithoutHarm() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("FuzzTest seed: " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
        random = new Random(seed);
        buildWorld();
        Map<String, Long> before = new LinkedHashMap<>();
        targets.forEach((channel, owner) -> before.put(channel, http.lastSeq(owner, channel)));

        List<String> failures = new ArrayList<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<Function<Random, Request>> generators = httpGenerators();
        for (int i = 0; i < HTTP_REQUESTS; i++) {
            Request request = generators.get(random.nextInt(generators.size())).apply(random);
            Reply reply;
            try {
                reply = http.call(request.method(), request.path(), request.token(), request.contentType(),
                        request.body(), request.headers());
            } catch (RuntimeException e) {
                failures.add("#" + i + " " + request.what() + ": no answer (" + e.getMessage() + ")");
                continue;
            }
            statuses.merge(reply.status(), 1, Integer::sum);
            if (reply.status() < 400 || reply.status() >= 500) {
                failures.add("#" + i + " " + request.what() + " [" + request.method() + " " + abbreviate(request.path())
                        + "]: " + reply.status() + " " + abbreviate(reply.body()));
            } else if (!reply.contentType().startsWith("application/problem+json") || reply.detail() == null) {
                failures.add("#" + i + " " + request.what() + " [" + request.method() + " " + abbreviate(request.path())
                        + "]: " + reply.status() + " is not a problem detail: " + reply.contentType() + " "
                        + abbreviate(reply.body()));
            }
        }

        Map<String, Integer> codes = new TreeMap<>();
        int frames = fuzzWebSocket(failures, codes);
        int raw = fuzzRawConnections(failures);

        System.out.println("FuzzTest: " + HTTP_REQUESTS + " HTTP requests by status " + statuses + "; " + frames
                + " WebSocket frames by error code " + codes + "; " + raw + " raw connections with broken HTTP");
        failures.stream().limit(50).forEach(failure -> System.out.println("FuzzTest failure: " + failure));
        assertThat(failures).as("fuzz findings (seed " + seed + ")").isEmpty();

        // Still up, and nothing refused was stored: each target's next event follows straight on.
        Reply health = http.get("/actuator/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("UP");
        targets.forEach((channel, owner) -> {
            Reply sentinel = http.send(owner, channel, Http.unique("sentinel"), "after the fuzz").expect(201);
            assertThat(sentinel.number("seq")).as("the first event in %s after the fuzz", channel)
                    .isEqualTo(before.get(channel) + 1);
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> targets.forEach((channel, owner) -> {
            JsonNode events = http.get("/api/channels/" + channel + "/events?after=" + before.get(channel),
                    owner.token()).expect(200).json().path("events");
            assertThat(events).as("events of %s stored during and after the fuzz", channel).hasSize(1);
            assertThat(events.get(0).path("text").asText()).isEqualTo("after the fuzz");
        }));
    }

    private void buildWorld() {
        fuzzer = http.signUp("fuzzer");
        stranger = http.signUp("stranger");
        team = http.createTeam(fuzzer);
        strangersTeam = http.createTeam(stranger);
        String open = http.createChannel(fuzzer, team, false);
        String secret = http.createChannel(fuzzer, team, true);
        String strangersOpen = http.createChannel(stranger, strangersTeam, false);
        String strangersSecret = http.createChannel(stranger, strangersTeam, true);
        http.send(fuzzer, open, "first", "the first message").expect(201);
        http.send(fuzzer, secret, "first", "the first message").expect(201);
        targets.put(open, fuzzer);
        targets.put(secret, fuzzer);
        targets.put(strangersOpen, stranger);
        targets.put(strangersSecret, stranger);
        channels.addAll(targets.keySet());
        await().atMost(Duration.ofSeconds(30)).until(() -> http.lastSeq(fuzzer, open) >= 1 && http.lastSeq(fuzzer, secret) >= 1);
    }

    // ---------------------------------------------------------------------------------------------------
    // HTTP: each generator makes one request that must be refused.

    private List<Function<Random, Request>> httpGenerators() {
        List<Function<Random, Request>> generators = new ArrayList<>();
        // Sends with a bad body, in every way a body can be bad.
        generators.add(r -> post("send, bad field", "/api/channels/" + ownChannel(r) + "/messages", badSend(r)));
        generators.add(r -> post("send, bad field", "/api/channels/" + ownChannel(r) + "/messages", badSend(r)));
        generators.add(r -> post("send, not JSON", "/api/channels/" + ownChannel(r) + "/messages", junkJson(r)));
        generators.add(r -> post("send, deep nesting", "/api/channels/" + ownChannel(r) + "/messages", deep(r)));
        generators.add(r -> request("send, wrong content type", "POST", "/api/channels/" + ownChannel(r) + "/messages",
                token(), pick(r, "text/plain", "application/xml", "application/x-www-form-urlencoded",
                        "multipart/form-data", "text/json", "application/octet-stream", "image/png"),
                validSend(r)));
        generators.add(r -> request("send, body over 64 KiB", "POST", "/api/channels/" + ownChannel(r) + "/messages",
                token(), "application/json", Map.of("clientMsgId", id(r), "text", "x".repeat(65_536 + r.nextInt(100_000)))));
        generators.add(r -> post("send, text over 40,000 code points", "/api/channels/" + ownChannel(r) + "/messages",
                Map.of("clientMsgId", id(r), "text", "y".repeat(40_001 + r.nextInt(5_000)))));
        generators.add(r -> request("send, random bytes", "POST", "/api/channels/" + ownChannel(r) + "/messages",
                token(), "application/json", randomBytes(r)));
        generators.add(r -> post("send, no such thread", "/api/channels/" + ownChannel(r) + "/messages",
                Map.of("clientMsgId", id(r), "text", "hi", "threadSeq", pickLong(r, 0L, 1_000_000L, Long.MAX_VALUE))));
        generators.add(r -> post("send, someone else's channel", "/api/channels/" + strangersChannel(r) + "/messages",
                validSend(r)));
        generators.add(r -> post("send, bad channel id", "/api/channels/" + badId(r) + "/messages", validSend(r)));
        generators.add(r -> request("send, broken token", "POST", "/api/channels/" + ownChannel(r) + "/messages",
                brokenToken(r), "application/json", validSend(r)));
        generators.add(r -> new Request("send, token in the query", "POST", "/api/channels/" + ownChannel(r)
                + "/messages?access_token=" + token(), null, "application/json", validSend(r), Map.of()));
        // Edits, deletes and reactions.
        generators.add(r -> request("edit, bad body", "PATCH", "/api/channels/" + ownChannel(r) + "/messages/1", token(),
                "application/json", pick(r, Map.of(), Map.of("text", pickJunkValue(r)), Map.of("text", " \t\n"),
                        Map.of("text", "z".repeat(40_001)))));
        generators.add(r -> request("edit, not a message", "PATCH", "/api/channels/" + ownChannel(r) + "/messages/"
                + pick(r, "0", "999999", "-1", "abc", "1.5", "99999999999999999999"), token(), "application/json",
                Map.of("text", "edited")));
        generators.add(r -> request("edit, someone else's channel", "PATCH", "/api/channels/" + strangersChannel(r)
                + "/messages/1", token(), "application/json", Map.of("text", "edited")));
        generators.add(r -> request("delete, not a message", "DELETE", "/api/channels/" + ownChannel(r) + "/messages/"
                + pick(r, "0", "999999", "-1", "abc", "99999999999999999999"), token(), null, null));
        generators.add(r -> request("delete, someone else's channel", "DELETE", "/api/channels/" + strangersChannel(r)
                + "/messages/1", token(), null, null));
        generators.add(r -> post("react, bad emoji", "/api/channels/" + ownChannel(r) + "/messages/1/reactions",
                pick(r, Map.of(), Map.of("emoji", pickJunkValue(r)), Map.of("emoji", "Thumbs Up"),
                        Map.of("emoji", "e".repeat(65)), Map.of("emoji", "👍"))));
        generators.add(r -> post("react, not a message", "/api/channels/" + ownChannel(r) + "/messages/"
                + pick(r, "0", "999999", "abc") + "/reactions", Map.of("emoji", "eyes")));
        generators.add(r -> request("unreact, bad emoji", "DELETE", "/api/channels/" + ownChannel(r)
                + "/messages/1/reactions/" + encode(pick(r, "UPPER", "with space", "💥", "a".repeat(65), "%00")),
                token(), null, null));
        // Teams, channels, memberships, read markers, signup.
        generators.add(r -> post("create team, bad name", "/api/teams", pick(r, Map.of(), Map.of("name", ""),
                Map.of("name", "   "), Map.of("name", "n".repeat(101)), Map.of("name", pickJunkValue(r)))));
        generators.add(r -> post("create channel, bad name", "/api/teams/" + team + "/channels", pick(r,
                Map.of("name", pick(r, "UPPER", "with space", "ü", "", "n".repeat(81), "a/b", "💥")),
                Map.of("name", pickJunkValue(r)), Map.of("name", "fine", "private", pick(r, "yes", 1, List.of(true))))));
        generators.add(r -> post("create channel, someone else's team", "/api/teams/" + strangersTeam + "/channels",
                Map.of("name", "intrusion")));
        generators.add(r -> post("create channel, bad team id", "/api/teams/" + badId(r) + "/channels",
                Map.of("name", "fine")));
        generators.add(r -> post("add member, bad user", "/api/channels/" + ownChannel(r) + "/members",
                pick(r, Map.of("userId", pickJunkValue(r)), Map.of("userId", "U" + id(r)), Map.of("userId", ""))));
        generators.add(r -> post("join, someone else's channel", "/api/channels/" + strangersChannel(r) + "/members",
                Map.of()));
        generators.add(r -> post("join, bad team", "/api/teams/" + badId(r) + "/members", null));
        generators.add(r -> post("read marker, bad seq", "/api/channels/" + ownChannel(r) + "/read",
                pick(r, Map.of(), Map.of("seq", pickJunkValue(r)), Map.of("seq", -1), Map.of("seq", 999_999),
                        Map.of("seq", 1.5), Map.of("seq", "1"))));
        generators.add(r -> post("read marker, not JSON", "/api/channels/" + ownChannel(r) + "/read", junkJson(r)));
        generators.add(r -> request("leave, someone else", "DELETE", "/api/channels/" + ownChannel(r) + "/members/"
                + stranger.userId(), token(), null, null));
        generators.add(r -> request("signup, bad account", "POST", "/api/auth/signup", null, "application/json",
                pick(r, Map.of(), Map.of("username", pick(r, "UPPER", "with space", "", "u".repeat(41), "ü", "a/b"),
                        "displayName", "x"), Map.of("username", Http.unique("ok"), "displayName", pick(r, "", "  ",
                        "d".repeat(101))), Map.of("username", pickJunkValue(r), "displayName", "x"))));
        // Reads with bad query parameters, bad ids and broken tokens.
        generators.add(r -> get("history, bad query", "/api/channels/" + ownChannel(r) + "/messages?" + badPaging(r)));
        generators.add(r -> get("history, both cursors", "/api/channels/" + ownChannel(r) + "/messages?before=5&after=1"));
        generators.add(r -> get("events, bad query", "/api/channels/" + ownChannel(r) + "/events?" + pick(r,
                "after=-2", "after=abc", "after=1.5", "after=99999999999999999999", "limit=0", "limit=201",
                "limit=x", "after=-9223372036854775808")));
        generators.add(r -> get("replies, bad query", "/api/channels/" + ownChannel(r) + "/messages/"
                + pick(r, "abc", "1.5", "99999999999999999999") + "/replies"));
        generators.add(r -> get("replies, bad paging", "/api/channels/" + ownChannel(r) + "/messages/1/replies?"
                + pick(r, "after=-2", "after=x", "limit=0", "limit=500")));
        generators.add(r -> get("members, bad query", "/api/teams/" + team + "/members?" + pick(r, "limit=0",
                "limit=-1", "limit=abc", "limit=1000")));
        generators.add(r -> get("search, bad query", "/api/teams/" + team + "/search?" + pick(r, "", "q=", "q=%20%20",
                "q=" + "w".repeat(1_001), "q=hello&limit=0", "q=hello&limit=x", "q=" + encode("!!! ??? ...")) ));
        generators.add(r -> get("channel, bad id", "/api/channels/" + badId(r)));
        generators.add(r -> get("history, bad id", "/api/channels/" + badId(r) + "/" + pick(r, "messages", "events")));
        generators.add(r -> get("boot, bad team", "/api/teams/" + badId(r) + "/" + pick(r, "boot", "members")));
        generators.add(r -> get("someone else's channel", "/api/channels/" + strangersChannel(r)
                + pick(r, "", "/messages", "/events")));
        generators.add(r -> get("someone else's team", "/api/teams/" + strangersTeam + "/" + pick(r, "boot", "members",
                "search?q=hello")));
        generators.add(r -> request("read, broken token", "GET", "/api/channels/" + ownChannel(r) + "/messages",
                brokenToken(r), null, null));
        generators.add(r -> new Request("read, two tokens", "GET", "/api/channels/" + ownChannel(r)
                + "/messages?access_token=" + token(), token(), null, null, Map.of()));
        generators.add(r -> request("stream, bad resume point", "GET", "/api/channels/" + ownChannel(r) + "/stream"
                + pick(r, "?after=-2", "?after=abc", "?after=1e3"), token(), null, null));
        generators.add(r -> new Request("stream, bad Last-Event-ID", "GET", "/api/channels/" + ownChannel(r) + "/stream",
                token(), null, null, Map.of("Last-Event-ID", pick(r, "nope", "-5", "1.5", "99999999999999999999", "0x10", "1 2"))));
        generators.add(r -> new Request("team stream, bad cursor", "GET", "/api/teams/" + team + "/stream", token(),
                null, null, Map.of("Last-Event-ID", pick(r, "nope", "!!!", Base64.getUrlEncoder()
                        .encodeToString(randomBytes(r)), "eJwrSS0u0TU0MjZWSE0sAQAcYQQU"))));
        generators.add(r -> get("team stream, bad cursor", "/api/teams/" + team + "/stream?cursor="
                + encode(pick(r, "x", "%%%", "AAAA", "eJzLSM3JyVcozy_KSQEAGgQEXQ"))));
        generators.add(r -> get("stream, someone else's channel", "/api/channels/" + strangersChannel(r) + "/stream"));
        // Methods that do not exist, and the operator endpoints.
        generators.add(r -> request("wrong method", pick(r, "PUT", "PATCH", "DELETE"), pick(r, "/api/teams",
                "/api/channels/" + ownChannel(r) + "/messages", "/api/channels/" + ownChannel(r) + "/events",
                "/api/teams/" + team + "/boot"), token(), "application/json", validSend(r)));
        generators.add(r -> request("operator endpoint", pick(r, "GET", "POST"), pick(r, "/api/admin/projections",
                "/api/admin/projections/rebuild"), token(), null, null));
        return generators;
    }

    private Request post(String what, String path, Object body) {
        return request(what, "POST", path, token(), "application/json", body);
    }

    private Request get(String what, String path) {
        return request(what, "GET", path, token(), null, null);
    }

    private static Request request(String what, String method, String path, String token, String contentType,
                                   Object body) {
        return new Request(what, method, path, token, contentType, body, Map.of());
    }

    private String token() {
        return fuzzer.token();
    }

    private String ownChannel(Random r) {
        return channels.get(r.nextInt(2));
    }

    private String strangersChannel(Random r) {
        return channels.get(2 + r.nextInt(2));
    }

    private static String id(Random r) {
        return "f" + Long.toHexString(r.nextLong());
    }

    private static Map<String, Object> validSend(Random r) {
        return Map.of("clientMsgId", id(r), "text", "hello");
    }

    /** A send body that is wrong in at least one way. */
    private static Object badSend(Random r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clientMsgId", id(r));
        body.put("text", "hello");
        if (r.nextBoolean()) {
            body.put("threadSeq", null);
        }
        if (r.nextInt(4) == 0) {
            body.put(pick(r, "extra", "userId", "seq", "channelId", "__proto__"), pickJunkValue(r));
        }
        switch (r.nextInt(9)) {
            case 0 -> body.remove(pick(r, "clientMsgId", "text"));
            case 1 -> body.put(pick(r, "clientMsgId", "text"), null);
            case 2 -> body.put(pick(r, "clientMsgId", "text"), pickJunkValue(r));
            case 3 -> body.put("clientMsgId", pick(r, "", "with space", "ü", "💥", "a".repeat(65), "a/b", "\u0000",
                    "\u202Eevil", "a\u200Bb", "x;y"));
            case 4 -> body.put("text", pick(r, "", " ", " \t\n ", "\u2003\u2002", "\r\n"));
            case 5 -> body.put("threadSeq", pick(r, "one", "1", true, 1.5, -1, List.of(1), Map.of("seq", 1),
                    new BigInteger("99999999999999999999"), 1e30, -1e30));
            case 6 -> body.put("clientMsgId", List.of(id(r)));
            case 7 -> body.put("text", Map.of("text", "nested"));
            default -> body.put(pick(r, "clientMsgId", "text"), pick(r, 0, -1, 1e308, Long.MIN_VALUE, false));
        }
        return body;
    }

    /** Something of the wrong type for a string or number field. */
    private static Object pickJunkValue(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> r.nextInt();
            case 1 -> r.nextDouble() * 1e300;
            case 2 -> r.nextBoolean();
            case 3 -> List.of("a", 1);
            case 4 -> Map.of("nested", true);
            case 5 -> new BigInteger("123456789012345678901234567890");
            case 6 -> List.of();
            default -> Map.of();
        };
    }

    /** Text that is not one JSON object of the right shape. */
    private static String junkJson(Random r) {
        return switch (r.nextInt(14)) {
            case 0 -> "{\"clientMsgId\": \"a\", \"text\": ";
            case 1 -> "{'clientMsgId': 'a', 'text': 'single quotes'}";
            case 2 -> "{\"clientMsgId\": \"a\", \"text\": \"x\",}";
            case 3 -> "{\"clientMsgId\": \"a\", \"text\": NaN}";
            case 4 -> "{\"clientMsgId\": \"a\", /* comment */ \"text\": \"x\"}";
            case 5 -> "[{\"clientMsgId\": \"a\", \"text\": \"in an array\"}]";
            case 6 -> "\"just a string\"";
            case 7 -> Integer.toString(r.nextInt());
            case 8 -> "{\"clientMsgId\": \"a\", \"text\": \"ok\", \"text\": 5}";
            case 9 -> "{\"clientMsgId\": \"a b\", \"text\": \"\\ud800\\u0000\", \"seq\": 1e99999}";
            case 10 -> randomUnicode(r, 1 + r.nextInt(200));
            case 11 -> "{\"seq\": 9" + "9".repeat(1_000 + r.nextInt(2_000)) + "}";
            case 12 -> "{\"text\": \"" + "\\u00".repeat(3) + "\"}";
            default -> "";
        };
    }

    /** JSON nested deeper than the limit of 32, as a whole body or inside a field. */
    private static String deep(Random r) {
        int depth = 33 + r.nextInt(r.nextBoolean() ? 100 : 5_000);
        String open = r.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(depth);
        return r.nextBoolean() ? nested : "{\"clientMsgId\":\"deep\",\"text\":\"x\",\"threadSeq\":" + nested + "}";
    }

    private static String badPaging(Random r) {
        return pick(r, "limit=0", "limit=-1", "limit=201", "limit=abc", "limit=1e3", "limit=99999999999",
                "before=x", "before=-5", "before=1.5", "after=-2", "after=x", "before=99999999999999999999",
                "limit=" + encode("💥"), "asOfSeq=-1", "asOfSeq=x", "asOfSeq=999999");
    }

    /** Ids no channel or team has: unicode, huge, reserved characters, traversal, all percent-encoded. */
    private static String badId(Random r) {
        return encode(switch (r.nextInt(8)) {
            case 0 -> randomUnicode(r, 1 + r.nextInt(40));
            case 1 -> "C" + "x".repeat(500 + r.nextInt(1_500));
            case 2 -> "..";
            case 3 -> "C\u0000";
            case 4 -> "' OR '1'='1";
            case 5 -> "{\"$ne\": null}";
            case 6 -> "$where";
            default -> "C" + Long.toHexString(r.nextLong());
        });
    }

    private String brokenToken(Random r) {
        String real = fuzzer.token();
        return switch (r.nextInt(10)) {
            case 0 -> Tokens.MALFORMED;
            case 1 -> Tokens.expired(fuzzer.userId());
            case 2 -> Tokens.signedWithAnotherKey(fuzzer.userId());
            case 3 -> Tokens.unsigned(fuzzer.userId());
            case 4 -> Tokens.otherAlgorithm(fuzzer.userId());
            case 5 -> Tokens.otherIssuer(fuzzer.userId());
            case 6 -> Tokens.tampered(real, stranger.userId());
            case 7 -> real.substring(0, real.length() - 1 - r.nextInt(10));
            case 8 -> "eyJ" + randomAscii(r, 20 + r.nextInt(200));
            default -> real + "x";
        };
    }

    // ---------------------------------------------------------------------------------------------------
    // WebSocket: each frame must be answered with one error frame, and the socket stays open.

    private int fuzzWebSocket(List<String> failures, Map<String, Integer> codes) {
        List<Function<Random, String>> generators = wsGenerators();
        try (Ws ws = Ws.connect(http.baseUrl(), fuzzer.token())) {
            ws.next("hello");
            for (int i = 0; i < WS_FRAMES; i++) {
                String frame = generators.get(random.nextInt(generators.size())).apply(random);
                List<JsonNode> answers;
                try {
                    answers = ws.exchange(frame);
                } catch (AssertionError | RuntimeException e) {
                    failures.add("frame #" + i + " " + abbreviate(frame) + ": no answer (" + e.getMessage() + ")");
                    return i;
                }
                List<JsonNode> errors = answers.stream().filter(a -> a.path("type").asText().equals("error")).toList();
                if (errors.size() != 1 || answers.stream().anyMatch(a -> a.path("type").asText().equals("ack"))) {
                    failures.add("frame #" + i + " " + abbreviate(frame) + ": answered " + answers);
                    continue;
                }
                String code = errors.get(0).path("code").asText();
                codes.merge(code, 1, Integer::sum);
                if (code.equals("internal") || code.isEmpty() || errors.get(0).path("message").asText().isBlank()) {
                    failures.add("frame #" + i + " " + abbreviate(frame) + ": " + errors.get(0));
                }
            }
            // Binary frames are not part of the protocol: ignored, and the socket stays open.
            for (int i = 0; i < 20; i++) {
                ws.sendBinary(randomBytes(random));
            }
            assertThat(ws.untilPong()).noneMatch(a -> a.path("type").asText().equals("ack"));
            assertThat(ws.isOpen()).isTrue();
        }
        return WS_FRAMES + 20;
    }

    private List<Function<Random, String>> wsGenerators() {
        List<Function<Random, String>> generators = new ArrayList<>();
        generators.add(r -> randomUnicode(r, 1 + r.nextInt(300)));
        generators.add(r -> junkJson(r));
        generators.add(r -> pick(r, "null", "true", "[]", "[1,2]", "42", "\"subscribe\"", "{}"));
        generators.add(r -> TestJson.body(Map.of("type", pickJunkValue(r))));
        generators.add(r -> TestJson.body(Map.of("type", pick(r, "", "SUBSCRIBE", "dance", "💥", "send ", "pingx"))));
        generators.add(r -> deep(r));
        generators.add(r -> "{\"type\":\"send\",\"channelId\":\"" + ownChannel(r) + "\",\"clientMsgId\":\"big\",\"text\":\""
                + "b".repeat(65_537 + r.nextInt(200_000)) + "\"}");
        generators.add(r -> TestJson.body(badFrame(r, "subscribe")));
        generators.add(r -> TestJson.body(badFrame(r, "typing")));
        generators.add(r -> TestJson.body(badFrame(r, "unsubscribe")));
        generators.add(r -> TestJson.body(badFrame(r, "send")));
        generators.add(r -> TestJson.body(badFrame(r, "send")));
        generators.add(r -> TestJson.body(badSendFrame(r)));
        generators.add(r -> TestJson.body(badSendFrame(r)));
        generators.add(r -> TestJson.body(Map.of("type", "subscribe", "channelId", ownChannel(r), "afterSeq",
                pick(r, "x", 1.5, -2, Long.MIN_VALUE, new BigInteger("99999999999999999999"), true, List.of(),
                        Map.of()))));
        generators.add(r -> TestJson.body(Map.of("type", pick(r, "subscribe", "typing", "send"), "channelId",
                strangersChannel(r), "clientMsgId", id(r), "text", "hi")));
        return generators;
    }

    /** A frame of {@code type} whose channel is missing, of the wrong type, or unknown. */
    private Map<String, Object> badFrame(Random r, String type) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", type);
        switch (r.nextInt(4)) {
            case 0 -> { }
            case 1 -> frame.put("channelId", pickJunkValue(r));
            case 2 -> frame.put("channelId", "");
            default -> frame.put("channelId", type.equals("unsubscribe") ? "" : "C" + randomUnicode(r, 1 + r.nextInt(30)));
        }
        return frame;
    }

    private Map<String, Object> badSendFrame(Random r) {
        Map<String, Object> frame = new LinkedHashMap<>(Map.of("type", "send", "channelId", ownChannel(r)));
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) badSend(r);
        frame.putAll(body);
        if (r.nextInt(5) == 0) {
            frame.put("threadSeq", pick(r, 0, 999_999, new BigInteger("18446744073709551617"), -5));
            frame.put("text", "a fine text");
            frame.put("clientMsgId", id(r));
        }
        return frame;
    }

    // ---------------------------------------------------------------------------------------------------
    // Raw TCP: bytes that are not HTTP at all; the server answers 4xx or hangs up, and never 5xx.

    private int fuzzRawConnections(List<String> failures) {
        URI base = URI.create(http.baseUrl());
        for (int i = 0; i < RAW_CONNECTIONS; i++) {
            byte[] junk = switch (random.nextInt(5)) {
                case 0 -> randomBytes(random);
                case 1 -> ("GET /api/channels/" + randomAscii(random, 10) + " HTTP/1.1\r\nHost: x\r\nBroken header\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
                case 2 -> ("POST /api/channels/x/messages HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}")
                        .getBytes(StandardCharsets.ISO_8859_1);
                case 3 -> ("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                default -> ("POST /api/auth/signup HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                        + "Content-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            };
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(junk);
                out.flush();
                socket.shutdownOutput();
                InputStream in = socket.getInputStream();
                String statusLine = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
                if (statusLine.startsWith("HTTP/1.1 5")) {
                    failures.add("raw connection #" + i + ": " + statusLine);
                }
            } catch (IOException e) {
                // Hanging up on bytes that are not HTTP is a fine answer.
            }
        }
        return RAW_CONNECTIONS;
    }

    // ---------------------------------------------------------------------------------------------------

    @SafeVarargs
    private static <T> T pick(Random r, T... choices) {
        return choices[r.nextInt(choices.length)];
    }

    private static long pickLong(Random r, long... choices) {
        return choices[r.nextInt(choices.length)];
    }

    private static byte[] randomBytes(Random r) {
        byte[] bytes = new byte[1 + r.nextInt(2_000)];
        r.nextBytes(bytes);
        return bytes;
    }

    private static String randomUnicode(Random r, int length) {
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            int codePoint = switch (r.nextInt(5)) {
                case 0 -> r.nextInt(0x20);
                case 1 -> 0x20 + r.nextInt(0x5f);
                case 2 -> 0x80 + r.nextInt(0x7ff);
                case 3 -> 0x1F300 + r.nextInt(0x300);
                default -> pick(r, 0x202E, 0x200B, 0xFEFF, 0xFFFD, 0x0000, 0x2028, (int) '"', (int) '\\', (int) '{');
            };
            text.appendCodePoint(codePoint);
        }
        return text.toString();
    }

    private static String randomAscii(Random r, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + r.nextInt(26)));
        }
        return text.toString();
    }

    private static String encode(String raw) {
        return URLEncoder.encode(raw, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String text) {
        String flat = text == null ? "" : text.replace("\n", "\\n");
        return flat.length() > 160 ? flat.substring(0, 160) + "...(" + flat.length() + ")" : flat;
    }
}
