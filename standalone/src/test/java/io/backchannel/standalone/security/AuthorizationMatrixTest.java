package io.backchannel.standalone.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.standalone.SharedServer;
import io.backchannel.standalone.security.Http.Live;
import io.backchannel.standalone.security.Http.Reply;
import io.backchannel.standalone.security.Http.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;
import static org.awaitility.Awaitility.await;

/**
 * Who may do what: every REST endpoint, both SSE streams and every WebSocket frame type, against eight callers
 * (no token, a malformed token, an expired one, one signed with another key, a user outside the team, a team
 * member outside the channel, a channel member, and the author of the message). Every cell has its expected
 * status; the whole table is printed, then each row is asserted cell by cell (one dynamic test per row).
 *
 * <p>Privacy: for the callers outside a private channel (the outsider and the team member), every request on
 * it is made against an unknown channel id too, and the two answers must be the same status with the same
 * detail (cells marked {@code =}), so nothing tells them the channel exists. Boot, search and the team stream are also read for content:
 * a team member outside the private channel must not find it, or its messages, in any of them.
 *
 * <p>WebSocket frames map to statuses as their answers do: success 200, error frames by code ({@code invalid}
 * 400, {@code forbidden} 403, {@code not_found} 404). A caller without a valid token never gets a socket: its
 * frame cells are the upgrade's 401.
 *
 * <p>Rows marked guarded belong to endpoints being built alongside: if the server answers one with "No static
 * resource" (404) or 405, the row is printed as SKIP and reported as skipped, never as passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixTest {

    enum Who {
        ANONYMOUS("no token"), MALFORMED("bad jwt"), EXPIRED("expired"), FOREIGN("other key"),
        OUTSIDER("no team"), TEAM_MEMBER("team only"), CHANNEL_MEMBER("member"), AUTHOR("author");

        final String label;

        Who(String label) {
            this.label = label;
        }

        boolean authenticated() {
            return ordinal() >= OUTSIDER.ordinal();
        }
    }

    /** Any 2xx: for answers API.md leaves open (reactions). */
    private static final int SUCCESS = -2;
    private static final int WS_OPEN = 101;

    private final Http http = new Http(SharedServer.baseUrl());
    private final Map<Who, Ws> sockets = new EnumMap<>(Who.class);
    private final Map<Who, String> tokens = new EnumMap<>(Who.class);

    private User author;
    private User member;
    private User teammate;
    private User outsider;
    private User spare;
    private String team;
    private String openTeam;
    private String general;
    private String pub;
    private String priv;
    private String joinable;
    private String leavable;
    private String leavablePrivate;
    private long pubMessage;
    private long privMessage;
    private long pubDoomed;
    private long privDoomed;
    private String needle;
    private final String unknown = "C" + Http.unique("unknownchannel");

    /** A cell's answer: its status, the problem detail (or error frame message), and a content finding. */
    record Outcome(int status, String detail, String finding) {
        static Outcome of(Reply reply) {
            return new Outcome(reply.status(), reply.status() >= 400 ? reply.detail() : null, null);
        }

        Outcome with(String finding) {
            return new Outcome(status, detail, finding);
        }

        /** The server has no such endpoint (yet): Spring's static-resource fallback, or no such method. */
        boolean notBuilt() {
            return status == 405 || status == 404 && detail != null && detail.startsWith("No static resource");
        }
    }

    interface Probe {
        Outcome run(Who who);
    }

    record Row(String name, Map<Who, Integer> expected, Probe probe, Probe unknownTwin, boolean guarded) {
    }

    record Cell(Who who, int expected, Outcome actual, Outcome twin) {
        boolean statusMatches() {
            return expected == SUCCESS ? actual.status() >= 200 && actual.status() < 300 : actual.status() == expected;
        }

        boolean twinMatches() {
            return twin == null || twin.status() == actual.status() && Objects.equals(twin.detail(), actual.detail());
        }

        boolean passes() {
            return statusMatches() && twinMatches() && actual.finding() == null;
        }

        String render() {
            String want = expected == SUCCESS ? "2xx" : Integer.toString(expected);
            String mark = !statusMatches() || actual.finding() != null ? " X" : twin != null ? (twinMatches() ? " =" : " !=") : "";
            return want + "/" + actual.status() + mark;
        }
    }

    record Result(Row row, List<Cell> cells, boolean skipped) {
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointAgainstEveryCaller() {
        buildWorld();
        List<Result> results = rows().stream().map(this::run).toList();
        print(results);
        return results.stream().map(result -> DynamicTest.dynamicTest(result.row().name(), () -> {
            Assumptions.assumeFalse(result.skipped(), "SKIP: endpoint not built yet");
            assertSoftly(soft -> result.cells().forEach(cell -> {
                String where = result.row().name() + " as " + cell.who();
                soft.assertThat(cell.statusMatches()).as("%s: expected %s, got %s (%s)", where,
                        cell.expected() == SUCCESS ? "2xx" : cell.expected(), cell.actual().status(),
                        cell.actual().detail()).isTrue();
                soft.assertThat(cell.twinMatches()).as("%s: answers %s '%s' but an unknown channel answers %s '%s'",
                        where, cell.actual().status(), cell.actual().detail(),
                        cell.twin() == null ? null : cell.twin().status(),
                        cell.twin() == null ? null : cell.twin().detail()).isTrue();
                soft.assertThat(cell.actual().finding()).as("%s: content", where).isNull();
            }));
        }));
    }

    @AfterAll
    void closeSockets() {
        sockets.values().forEach(Ws::close);
    }

    // ---------------------------------------------------------------------------------------------------
    // The world: one team with a public and a private channel, and a caller in each relation to them.

    private void buildWorld() {
        author = http.signUp("author");
        member = http.signUp("member");
        teammate = http.signUp("teammate");
        outsider = http.signUp("outsider");
        spare = http.signUp("spare");
        Reply created = http.post("/api/teams", author.token(), Map.of("name", Http.unique("team"))).expect(201);
        team = created.text("teamId");
        general = created.text("generalChannelId");
        openTeam = http.createTeam(author);
        http.joinTeam(member, team);
        http.joinTeam(teammate, team);
        http.joinTeam(spare, team);
        pub = http.createChannel(author, team, false);
        priv = http.createChannel(author, team, true);
        joinable = http.createChannel(author, team, false);
        leavable = http.createChannel(author, team, false);
        leavablePrivate = http.createChannel(author, team, true);
        http.joinChannel(member, pub);
        http.addToChannel(author, priv, member);
        http.joinChannel(member, leavable);
        http.addToChannel(author, leavablePrivate, member);

        needle = Http.unique("needle");
        pubMessage = http.send(author, pub, "m", needle + " in the open").expect(201).number("seq");
        privMessage = http.send(author, priv, "m", needle + " behind closed doors").expect(201).number("seq");
        pubDoomed = http.send(author, pub, "doomed", "to be deleted").expect(201).number("seq");
        privDoomed = http.send(author, priv, "doomed", "to be deleted").expect(201).number("seq");
        await().atMost(Duration.ofSeconds(30)).until(() -> http.lastSeq(author, pub) >= pubDoomed
                && http.lastSeq(author, priv) >= privDoomed);
        Reply search = http.get(searchPath(), author.token());
        if (!Outcome.of(search).notBuilt()) {
            // Search reads a projection: wait until both messages are findable, so the cells see a settled index.
            await().atMost(Duration.ofSeconds(30)).until(() -> http.get(searchPath(), author.token()).json()
                    .path("messages").size() >= 2);
        }

        tokens.put(Who.ANONYMOUS, null);
        tokens.put(Who.MALFORMED, Tokens.MALFORMED);
        tokens.put(Who.EXPIRED, Tokens.expired(member.userId()));
        tokens.put(Who.FOREIGN, Tokens.signedWithAnotherKey(member.userId()));
        tokens.put(Who.OUTSIDER, outsider.token());
        tokens.put(Who.TEAM_MEMBER, teammate.token());
        tokens.put(Who.CHANNEL_MEMBER, member.token());
        tokens.put(Who.AUTHOR, author.token());
    }

    /** The user a caller acts as, for paths that name oneself; a token-less caller names the channel member. */
    private User user(Who who) {
        return switch (who) {
            case OUTSIDER -> outsider;
            case TEAM_MEMBER -> teammate;
            case AUTHOR -> author;
            default -> member;
        };
    }

    private String token(Who who) {
        return tokens.get(who);
    }

    // ---------------------------------------------------------------------------------------------------
    // The table.

    /** Token-less callers get 401; then the outsider, the team member, the channel member and the author. */
    private static Map<Who, Integer> expect(int outsider, int teamMember, int channelMember, int author) {
        return expectAll(401, 401, 401, 401, outsider, teamMember, channelMember, author);
    }

    private static Map<Who, Integer> expectAll(int... statuses) {
        Map<Who, Integer> expected = new EnumMap<>(Who.class);
        for (Who who : Who.values()) {
            expected.put(who, statuses[who.ordinal()]);
        }
        return expected;
    }

    private List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        // Accounts and teams
        rows.add(new Row("POST /api/auth/signup", expectAll(201, 401, 401, 401, 201, 201, 201, 201),
                who -> http(http.post("/api/auth/signup", token(who),
                        Map.of("username", Http.unique("signup"), "displayName", "Someone"))), null, false));
        rows.add(new Row("POST /api/teams", expect(201, 201, 201, 201),
                who -> http(http.post("/api/teams", token(who), Map.of("name", Http.unique("team")))), null, false));
        rows.add(new Row("POST /api/teams/{open}/members (join)", expect(200, 200, 200, 200),
                who -> http(http.post("/api/teams/" + openTeam + "/members", token(who), null)), null, false));
        rows.add(new Row("POST /api/teams/{T}/channels", expect(403, 201, 201, 201),
                who -> http(http.post("/api/teams/" + team + "/channels", token(who),
                        Map.of("name", Http.unique("made"), "private", false))), null, false));
        rows.add(new Row("GET /api/teams/{T}/boot (+private listed?)", expect(403, 200, 200, 200),
                who -> boot(who, ""), null, false));
        // The rebuild-per-request boot (on in the test server, off by default) reads the projections instead.
        rows.add(new Row("GET /api/teams/{T}/boot?mode=rebuild (+private?)", expect(403, 200, 200, 200),
                who -> boot(who, "?mode=rebuild"), null, false));
        rows.add(new Row("GET /api/teams/{T}/members", expect(403, 200, 200, 200),
                who -> http(http.get("/api/teams/" + team + "/members", token(who))), null, false));
        rows.add(new Row("GET /api/teams/{T}/search (+private found?)", expect(403, 200, 200, 200),
                this::search, null, true));
        rows.add(new Row("SSE /api/teams/{T}/stream", expect(403, 200, 200, 200),
                who -> http(http.openStream("/api/teams/" + team + "/stream", token(who))), null, false));
        rows.add(new Row("SSE /api/teams/{T}/stream?access_token=", expect(403, 200, 200, 200),
                who -> http(http.openStream("/api/teams/" + team + "/stream" + queryToken(who), null)), null, false));
        rows.add(new Row("SSE team stream (+private events seen?)", expect(403, 200, 200, 200),
                this::teamStreamContent, null, false));

        // Channels, public then private
        channelRows(rows, "GET /api/channels/{%s}", expect(403, 200, 200, 200), expect(404, 404, 200, 200), false,
                (channel, who) -> http.get("/api/channels/" + channel, token(who)));
        channelRows(rows, "GET /api/channels/{%s}/messages", expect(403, 200, 200, 200), expect(404, 404, 200, 200),
                false, (channel, who) -> http.get("/api/channels/" + channel + "/messages", token(who)));
        channelRows(rows, "GET /api/channels/{%s}/messages?asOfSeq=1", expect(403, 200, 200, 200),
                expect(404, 404, 200, 200), false,
                (channel, who) -> http.get("/api/channels/" + channel + "/messages?asOfSeq=1", token(who)));
        channelRows(rows, "GET /api/channels/{%s}/messages/{seq}/replies", expect(403, 200, 200, 200),
                expect(404, 404, 200, 200), true, (channel, who) -> http.get("/api/channels/" + channel + "/messages/"
                        + message(channel) + "/replies", token(who)));
        channelRows(rows, "GET /api/channels/{%s}/events", expect(403, 200, 200, 200), expect(404, 404, 200, 200),
                false, (channel, who) -> http.get("/api/channels/" + channel + "/events", token(who)));
        channelRows(rows, "SSE /api/channels/{%s}/stream", expect(403, 200, 200, 200), expect(404, 404, 200, 200),
                false, (channel, who) -> http.openStream("/api/channels/" + channel + "/stream", token(who)));
        channelRows(rows, "SSE /api/channels/{%s}/stream?access_token=", expect(403, 200, 200, 200),
                expect(404, 404, 200, 200), false,
                (channel, who) -> http.openStream("/api/channels/" + channel + "/stream" + queryToken(who), null));
        // A resumed subscription is authorised from the boot cache, a fresh one by the projections: same rules.
        channelRows(rows, "SSE /api/channels/{%s}/stream?after=0 (resume)", expect(403, 200, 200, 200),
                expect(404, 404, 200, 200), false,
                (channel, who) -> http.openStream("/api/channels/" + channel + "/stream?after=0", token(who)));
        channelRows(rows, "POST /api/channels/{%s}/messages", expect(403, 403, 201, 201), expect(404, 404, 201, 201),
                false, (channel, who) -> http.post("/api/channels/" + channel + "/messages", token(who),
                        Map.of("clientMsgId", Http.unique("c"), "text", "hello")));
        rows.add(new Row("POST /api/channels/{pub}/messages?access_token=", expect(401, 401, 401, 401),
                who -> http(http.post("/api/channels/" + pub + "/messages" + queryToken(who), null,
                        Map.of("clientMsgId", Http.unique("q"), "text", "a token in the query is for GETs only"))),
                null, false));
        channelRows(rows, "PATCH /api/channels/{%s}/messages/{seq}", expect(403, 403, 403, 200),
                expect(404, 404, 403, 200), true, (channel, who) -> http.patch("/api/channels/" + channel
                        + "/messages/" + message(channel), token(who), Map.of("text", "edited by " + who)));
        channelRows(rows, "POST /api/channels/{%s}/messages/{seq}/reactions", expect(403, 403, SUCCESS, SUCCESS),
                expect(404, 404, SUCCESS, SUCCESS), true, (channel, who) -> http.post("/api/channels/" + channel
                        + "/messages/" + message(channel) + "/reactions", token(who), Map.of("emoji", "eyes")));
        channelRows(rows, "DELETE /api/channels/{%s}/messages/{seq}/reactions/eyes",
                expect(403, 403, SUCCESS, SUCCESS), expect(404, 404, SUCCESS, SUCCESS), true,
                (channel, who) -> http.delete("/api/channels/" + channel + "/messages/" + message(channel)
                        + "/reactions/eyes", token(who)));
        channelRows(rows, "DELETE /api/channels/{%s}/messages/{seq}", expect(403, 403, 403, 204),
                expect(404, 404, 403, 204), true, (channel, who) -> http.delete("/api/channels/" + channel
                        + "/messages/" + doomed(channel), token(who)));
        channelRows(rows, "POST /api/channels/{%s}/read", expect(403, 403, 204, 204), expect(404, 404, 204, 204),
                false, (channel, who) -> http.post("/api/channels/" + channel + "/read", token(who), Map.of("seq", 0)));
        rows.add(new Row("POST /api/channels/{joinable}/members {} (join)", expect(403, 200, 200, 200),
                who -> http(http.post("/api/channels/" + joinable + "/members", token(who), Map.of())), null, false));
        rows.add(privateRow("POST /api/channels/{priv}/members {} (join)", expect(404, 404, 200, 200),
                (channel, who) -> http.post("/api/channels/" + channel + "/members", token(who), Map.of())));
        channelRows(rows, "POST /api/channels/{%s}/members {userId: spare}", expect(403, 403, 200, 200),
                expect(404, 404, 200, 200), false, (channel, who) -> http.post("/api/channels/" + channel + "/members",
                        token(who), Map.of("userId", spare.userId())));
        channelRows(rows, "POST /api/channels/{%s}/members {userId: a member}", expect(403, 403, 200, 200),
                expect(404, 404, 200, 200), false, (channel, who) -> http.post("/api/channels/" + channel + "/members",
                        token(who), Map.of("userId", member.userId())));
        channelRows(rows, "DELETE /api/channels/{%s}/members/{someone else}", expect(403, 403, 403, 403),
                expect(403, 403, 403, 403), false, (channel, who) -> http.delete("/api/channels/" + channel
                        + "/members/" + spare.userId(), token(who)));
        rows.add(new Row("DELETE /api/channels/{leavable}/members/{self}", expect(403, 204, 204, 204),
                who -> http(http.delete("/api/channels/" + leavable + "/members/" + user(who).userId(), token(who))),
                null, false));
        rows.add(privateRow("DELETE /api/channels/{privLeavable}/members/{self}", expect(404, 404, 204, 204),
                (channel, who) -> http.delete("/api/channels/" + (channel.equals(priv) ? leavablePrivate : channel)
                        + "/members/" + user(who).userId(), token(who))));

        // WebSocket: the upgrade, then every frame type
        rows.add(new Row("WS upgrade (Authorization header)", expect(WS_OPEN, WS_OPEN, WS_OPEN, WS_OPEN),
                who -> new Outcome(Ws.handshake(http.baseUrl(), token(who), null, false), null, null), null, false));
        rows.add(new Row("WS upgrade (?access_token=)", expect(WS_OPEN, WS_OPEN, WS_OPEN, WS_OPEN),
                who -> new Outcome(Ws.handshake(http.baseUrl(), token(who), null, true), null, null), null, false));
        rows.add(new Row("WS upgrade, Origin https://evil.example", expect(403, 403, 403, 403),
                who -> new Outcome(Ws.handshake(http.baseUrl(), token(who), "https://evil.example", false), null, null),
                null, false));
        rows.add(new Row("WS upgrade, Origin http://localhost:5173", expect(WS_OPEN, WS_OPEN, WS_OPEN, WS_OPEN),
                who -> new Outcome(Ws.handshake(http.baseUrl(), token(who), "http://localhost:5173", false), null, null),
                null, false));
        frameRows(rows, "WS subscribe {%s}", expect(403, 200, 200, 200), expect(404, 404, 200, 200),
                channel -> Map.of("type", "subscribe", "channelId", channel));
        frameRows(rows, "WS subscribe {%s} afterSeq 0 (resume)", expect(403, 200, 200, 200), expect(404, 404, 200, 200),
                channel -> Map.of("type", "subscribe", "channelId", channel, "afterSeq", 0));
        rows.add(privateFrameRow("WS unsubscribe {priv}", expect(200, 200, 200, 200),
                channel -> Map.of("type", "unsubscribe", "channelId", channel)));
        frameRows(rows, "WS typing {%s}", expect(403, 403, 200, 200), expect(404, 404, 200, 200),
                channel -> Map.of("type", "typing", "channelId", channel));
        rows.add(new Row("WS ping", expect(200, 200, 200, 200),
                frame(() -> Map.of("type", "ping", "id", "matrix")), null, false));
        frameRows(rows, "WS send {%s}", expect(403, 403, 200, 200), expect(404, 404, 200, 200),
                channel -> Map.of("type", "send", "channelId", channel, "clientMsgId", Http.unique("w"), "text", "hi"));

        // Operators only (nobody here is one)
        rows.add(new Row("GET /api/admin/projections", expect(403, 403, 403, 403),
                who -> http(http.get("/api/admin/projections", token(who))), null, false));
        rows.add(new Row("POST /api/admin/projections/rebuild", expect(403, 403, 403, 403),
                who -> http(http.post("/api/admin/projections/rebuild", token(who), null)), null, false));
        return rows;
    }

    interface ChannelRequest {
        Reply send(String channel, Who who);
    }

    /** A public-channel row and a private-channel row; the private one is compared with an unknown channel. */
    private void channelRows(List<Row> rows, String name, Map<Who, Integer> pubExpected, Map<Who, Integer> privExpected,
                             boolean guarded, ChannelRequest request) {
        rows.add(new Row(String.format(name, "pub"), pubExpected, who -> http(request.send(pub, who)), null, guarded));
        Row priv = privateRow(String.format(name, "priv"), privExpected, request);
        rows.add(new Row(priv.name(), priv.expected(), priv.probe(), priv.unknownTwin(), guarded));
    }

    private Row privateRow(String name, Map<Who, Integer> expected, ChannelRequest request) {
        return new Row(name, expected, who -> http(request.send(priv, who)), who -> http(request.send(unknown, who)),
                false);
    }

    private void frameRows(List<Row> rows, String name, Map<Who, Integer> pubExpected, Map<Who, Integer> privExpected,
                           Function<String, Map<String, ?>> frame) {
        rows.add(new Row(String.format(name, "pub"), pubExpected, frame(() -> frame.apply(pub)), null, false));
        rows.add(privateFrameRow(String.format(name, "priv"), privExpected, frame));
    }

    private Row privateFrameRow(String name, Map<Who, Integer> expected, Function<String, Map<String, ?>> frame) {
        return new Row(name, expected, frame(() -> frame.apply(priv)), frame(() -> frame.apply(unknown)), false);
    }

    /** A frame on the caller's socket; a caller without a valid token gets no socket, so its cell is the upgrade. */
    private Probe frame(Supplier<Map<String, ?>> frame) {
        return who -> {
            if (!who.authenticated()) {
                return new Outcome(Ws.handshake(http.baseUrl(), token(who), null, false), null, null);
            }
            Ws ws = sockets.computeIfAbsent(who, w -> {
                Ws opened = Ws.connect(http.baseUrl(), token(w));
                opened.next("hello");
                return opened;
            });
            List<JsonNode> answers = ws.exchange(frame.get());
            return answers.stream().filter(answer -> answer.path("type").asText().equals("error")).findFirst()
                    .map(error -> new Outcome(statusOf(error.path("code").asText()), error.path("message").asText(), null))
                    .orElse(new Outcome(200, null, null));
        };
    }

    private static int statusOf(String code) {
        return switch (code) {
            case "invalid", "bad_frame" -> 400;
            case "forbidden" -> 403;
            case "not_found" -> 404;
            case "conflict" -> 409;
            case "too_large" -> 413;
            case "rate_limited" -> 429;
            default -> 500;
        };
    }

    private long message(String channel) {
        return channel.equals(pub) ? pubMessage : privMessage;
    }

    private long doomed(String channel) {
        return channel.equals(pub) ? pubDoomed : privDoomed;
    }

    private String queryToken(Who who) {
        return token(who) == null ? "" : "?access_token=" + token(who);
    }

    private String searchPath() {
        return "/api/teams/" + team + "/search?q=" + needle;
    }

    private static Outcome http(Reply reply) {
        return Outcome.of(reply);
    }

    // ---------------------------------------------------------------------------------------------------
    // Content: what a caller is shown must not include a private channel it is not in.

    private Outcome boot(Who who, String query) {
        Reply reply = http.get("/api/teams/" + team + "/boot" + query, token(who));
        Outcome outcome = Outcome.of(reply);
        if (reply.status() != 200) {
            return outcome;
        }
        boolean listed = reply.body().contains(priv);
        boolean mayKnow = who == Who.CHANNEL_MEMBER || who == Who.AUTHOR;
        if (listed && !mayKnow) {
            return outcome.with("LEAK: the boot names the private channel");
        }
        return listed || !mayKnow ? outcome : outcome.with("the boot misses a private channel of the caller");
    }

    private Outcome search(Who who) {
        Reply reply = http.get(searchPath(), token(who));
        Outcome outcome = Outcome.of(reply);
        if (reply.status() != 200) {
            return outcome;
        }
        List<String> channels = new ArrayList<>();
        reply.json().path("messages").forEach(found -> channels.add(found.path("channelId").asText()));
        boolean mayKnow = who == Who.CHANNEL_MEMBER || who == Who.AUTHOR;
        if (!mayKnow && (channels.contains(priv) || reply.body().contains(priv)
                || reply.body().contains("behind closed doors"))) {
            return outcome.with("LEAK: search finds a message of the private channel");
        }
        if (!channels.contains(pub) || mayKnow && !channels.contains(priv)) {
            return outcome.with("search misses a message the caller may read: " + channels);
        }
        return outcome;
    }

    /**
     * The team stream carries the channels the caller is in: a message in the private channel reaches its
     * members, and never a team member outside it (read until a later message in general, and a keepalive after).
     */
    private Outcome teamStreamContent(Who who) {
        try (Live live = http.live("/api/teams/" + team + "/stream", token(who))) {
            if (live.status() != 200) {
                return Outcome.of(live.refusal());
            }
            live.readUntil(line -> line.startsWith(":"), Duration.ofSeconds(30));
            String secret = Http.unique("secret");
            String open = Http.unique("open");
            http.send(author, priv, secret, "private " + secret).expect(201);
            http.send(author, general, open, "public " + open).expect(201);
            boolean mayKnow = who == Who.CHANNEL_MEMBER || who == Who.AUTHOR;
            List<String> lines = new ArrayList<>(live.readUntil(line -> line.contains(open), Duration.ofSeconds(30)));
            if (mayKnow && lines.stream().noneMatch(line -> line.contains(secret))) {
                lines.addAll(live.readUntil(line -> line.contains(secret), Duration.ofSeconds(30)));
            } else if (!mayKnow) {
                lines.addAll(live.readUntil(line -> line.startsWith(":") && line.contains("keepalive"),
                        Duration.ofSeconds(30)));
            }
            boolean seen = lines.stream().anyMatch(line -> line.contains(secret) || line.contains(priv));
            Outcome outcome = new Outcome(200, null, null);
            if (seen && !mayKnow) {
                return outcome.with("LEAK: the team stream carries the private channel");
            }
            return outcome;
        }
    }

    // ---------------------------------------------------------------------------------------------------

    private Result run(Row row) {
        List<Cell> cells = new ArrayList<>();
        for (Who who : Who.values()) {
            int expected = row.expected().get(who);
            Outcome actual = row.probe().run(who);
            // Whoever may not know the private channel must get exactly what an unknown channel gets.
            boolean outside = who == Who.OUTSIDER || who == Who.TEAM_MEMBER;
            Outcome twin = row.unknownTwin() != null && outside ? row.unknownTwin().run(who) : null;
            cells.add(new Cell(who, expected, actual, twin));
        }
        boolean skipped = row.guarded() && cells.stream().anyMatch(cell -> cell.who().authenticated()
                && cell.actual().notBuilt());
        return new Result(row, cells, skipped);
    }

    private static void print(List<Result> results) {
        int width = results.stream().mapToInt(result -> result.row().name().length()).max().orElse(40);
        StringBuilder table = new StringBuilder("\nAuthorization matrix: expected/actual status per caller"
                + " (= same answer as an unknown channel, X wrong, 2xx any success, 101 WebSocket opened)\n");
        table.append(String.format("%-" + width + "s", "endpoint"));
        for (Who who : Who.values()) {
            table.append(String.format(" | %-11s", who.label));
        }
        table.append(" | \n");
        table.append("-".repeat(width + Who.values().length * 14)).append('\n');
        for (Result result : results) {
            table.append(String.format("%-" + width + "s", result.row().name()));
            if (result.skipped()) {
                table.append(" | SKIP: endpoint not built yet (").append(result.cells().stream()
                        .filter(cell -> cell.actual().notBuilt()).findFirst().map(cell -> cell.actual().status() + " "
                                + cell.actual().detail()).orElse("")).append(")\n");
                continue;
            }
            for (Cell cell : result.cells()) {
                table.append(String.format(" | %-11s", cell.render()));
            }
            table.append(" |");
            String findings = result.cells().stream().filter(cell -> cell.actual().finding() != null)
                    .map(cell -> cell.who().label + ": " + cell.actual().finding()).collect(Collectors.joining("; "));
            if (!findings.isEmpty()) {
                table.append(' ').append(findings);
            }
            // What an outsider of a private channel is told, word for word (the same for an unknown channel).
            result.cells().stream().filter(cell -> cell.twin() != null && cell.actual().detail() != null).findFirst()
                    .ifPresent(cell -> table.append(" \"").append(cell.actual().detail()).append('"'));
            table.append('\n');
        }
        long cells = results.stream().filter(result -> !result.skipped()).mapToLong(result -> result.cells().size()).sum();
        long failing = results.stream().filter(result -> !result.skipped())
                .flatMap(result -> result.cells().stream()).filter(cell -> !cell.passes()).count();
        long skipped = results.stream().filter(Result::skipped).count();
        table.append(String.format("%d rows, %d cells asserted, %d wrong, %d rows skipped%n", results.size(), cells,
                failing, skipped));
        System.out.println(table);
        assertThat(results).isNotEmpty();
    }
}
