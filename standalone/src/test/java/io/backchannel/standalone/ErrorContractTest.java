package io.backchannel.standalone;

import io.backchannel.standalone.Api.Response;
import io.backchannel.standalone.Api.User;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/**
 * Every row of API.md's error table (429 aside, which belongs to rate limiting), hit over HTTP: the
 * right status, a problem+json body a person can act on, and never a 500.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorContractTest {

    private final Api api = new Api(RunningServer.shared().baseUrl());
    private final List<Case> cases = new ArrayList<>();

    private User owner;
    private User member;
    private User outsider;
    private String team;
    private String publicChannel;
    private String privateChannel;

    record Case(String name, int expected, Response response) {
    }

    @BeforeAll
    void world() {
        owner = api.signUp("owner");
        member = api.signUp("member");
        outsider = api.signUp("outsider");
        team = api.createTeam(owner);
        api.joinTeam(member, team);
        publicChannel = api.createChannel(owner, team, false);
        privateChannel = api.createChannel(owner, team, true);
        api.send(owner, publicChannel, "taken", "original").block().expect(201);
    }

    @Test
    void everyRowOfTheErrorTableAnswersWithItsStatusAndAProblemDetail() {
        String messages = "/api/channels/" + publicChannel + "/messages";
        // 400: malformed JSON, missing or invalid fields, wrong types, limits
        hit("malformed JSON", 400, post(messages, owner, "{\"clientMsgId\": \"a\", \"text\": "));
        hit("not JSON at all", 400, post(messages, owner, "hello"));
        hit("missing text", 400, post(messages, owner, Map.of("clientMsgId", "a")));
        hit("blank text", 400, post(messages, owner, Map.of("clientMsgId", "a", "text", "   ")));
        hit("text over 40,000 code points", 400, post(messages, owner,
                Map.of("clientMsgId", "a", "text", "x".repeat(40_001))));
        hit("clientMsgId with a space", 400, post(messages, owner, Map.of("clientMsgId", "a b", "text", "hi")));
        hit("clientMsgId too long", 400, post(messages, owner, Map.of("clientMsgId", "a".repeat(65), "text", "hi")));
        hit("text given a number", 400, post(messages, owner, "{\"clientMsgId\":\"a\",\"text\":5}"));
        hit("threadSeq given a string", 400, post(messages, owner,
                "{\"clientMsgId\":\"a\",\"text\":\"hi\",\"threadSeq\":\"one\"}"));
        hit("threadSeq not a message", 400, post(messages, owner,
                Map.of("clientMsgId", "thread", "text", "hi", "threadSeq", 0)));
        hit("JSON nested 100 deep", 400, post(messages, owner, "[".repeat(100) + "]".repeat(100)));
        hit("username with capitals", 400, post("/api/auth/signup", null,
                Map.of("username", "Alice", "displayName", "A")));
        hit("channel name with a space", 400, post("/api/teams/" + team + "/channels", owner,
                Map.of("name", "two words")));
        hit("empty team name", 400, post("/api/teams", owner, Map.of("name", "")));
        hit("limit 0", 400, get(messages + "?limit=0", owner));
        hit("limit 201", 400, get(messages + "?limit=201", owner));
        hit("limit not a number", 400, get(messages + "?limit=ten", owner));
        hit("before and after together", 400, get(messages + "?before=5&after=1", owner));
        hit("events after -2", 400, get("/api/channels/" + publicChannel + "/events?after=-2", owner));
        hit("Last-Event-ID not a seq", 400, api.call(HttpMethod.GET, "/api/channels/" + publicChannel + "/stream",
                owner.token(), null, h -> h.set("Last-Event-ID", "nope")).block());
        // 413: a body over 64 KiB
        hit("body over 64 KiB", 413, post(messages, owner,
                Map.of("clientMsgId", "big", "text", "x".repeat(70_000))));
        // 401: no, malformed, expired or foreign token
        hit("no token", 401, post(messages, null, Map.of("clientMsgId", "a", "text", "hi")));
        hit("malformed token", 401, api.call(HttpMethod.GET, "/api/channels/" + publicChannel, "not.a.jwt", null,
                h -> { }).block());
        hit("expired token", 401, api.call(HttpMethod.GET, "/api/channels/" + publicChannel,
                Tokens.expired(owner.userId()), null, h -> { }).block());
        hit("token signed with another key", 401, api.call(HttpMethod.GET, "/api/channels/" + publicChannel,
                Tokens.signedWithAnotherKey(owner.userId()), null, h -> { }).block());
        // 403: authenticated but not allowed
        hit("outsider reads a public channel", 403, get("/api/channels/" + publicChannel, outsider));
        hit("outsider creates a channel in the team", 403, post("/api/teams/" + team + "/channels", outsider,
                Map.of("name", "intrusion")));
        hit("team member not in the channel posts", 403, post(messages, member,
                Map.of("clientMsgId", "a", "text", "hi")));
        hit("removing someone else", 403, api.delete("/api/channels/" + publicChannel + "/members/" + owner.userId(),
                member));
        // 404: unknown things, and private channels the caller may not know of
        hit("unknown channel", 404, get("/api/channels/no-such-channel", owner));
        hit("send to unknown channel", 404, post("/api/channels/no-such-channel/messages", owner,
                Map.of("clientMsgId", "a", "text", "hi")));
        hit("join unknown team", 404, post("/api/teams/no-such-team/members", member, null));
        hit("private channel read by a team member", 404, get("/api/channels/" + privateChannel, member));
        hit("private channel history by a team member", 404, get("/api/channels/" + privateChannel + "/messages",
                member));
        hit("post to a private channel as non-member", 404, post("/api/channels/" + privateChannel + "/messages",
                member, Map.of("clientMsgId", "a", "text", "hi")));
        hit("self-join a private channel", 404, post("/api/channels/" + privateChannel + "/members", member, Map.of()));
        hit("private channel read by an outsider", 404, get("/api/channels/" + privateChannel, outsider));
        hit("unknown route", 404, get("/api/nothing-here", owner));
        // 409: taken names, reused clientMsgId
        hit("username taken", 409, post("/api/auth/signup", null,
                Map.of("username", owner.username(), "displayName", "again")));
        hit("channel name taken", 409, post("/api/teams/" + team + "/channels", owner, Map.of("name", "general")));
        hit("clientMsgId reused with another text", 409, post(messages, owner,
                Map.of("clientMsgId", "taken", "text", "different")));

        printTable();
        assertSoftly(soft -> cases.forEach(c -> {
            soft.assertThat(c.response().status()).as(c.name()).isEqualTo(c.expected());
            soft.assertThat(c.response().headers().getContentType()).as(c.name() + ": content type")
                    .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            soft.assertThat(c.response().body().path("status").asInt()).as(c.name() + ": status field")
                    .isEqualTo(c.expected());
            soft.assertThat(c.response().body().path("title").asText()).as(c.name() + ": title").isNotBlank();
            soft.assertThat(c.response().body().path("type").asText()).as(c.name() + ": type").isNotBlank();
            soft.assertThat(c.response().body().path("detail").asText()).as(c.name() + ": detail").isNotBlank();
        }));
    }

    @Test
    void aPrivateChannelAnswersExactlyAsAnUnknownOne() {
        Response hidden = get("/api/channels/" + privateChannel, member);
        Response unknown = get("/api/channels/C-unknown", member);
        assertThat(hidden.status()).isEqualTo(unknown.status()).isEqualTo(404);
        assertThat(hidden.body().path("detail")).isEqualTo(unknown.body().path("detail"));
    }

    @Test
    void nothingRefusedWasStored() {
        List<String> texts = api.allEvents(owner, publicChannel)
                .filter(event -> event.path("type").asText().equals("message.posted"))
                .map(event -> event.path("text").asText())
                .collectList().block();
        assertThat(texts).containsExactly("original");
    }

    private void hit(String name, int expected, Response response) {
        cases.add(new Case(name, expected, response));
    }

    private Response get(String path, User user) {
        return api.get(path, user);
    }

    private Response post(String path, User user, Object body) {
        return api.post(path, user, body);
    }

    private void printTable() {
        System.out.printf("%n%-45s %8s %6s  %s%n", "case", "expected", "got", "detail");
        cases.forEach(c -> System.out.printf("%-45s %8d %6d  %s%n", c.name(), c.expected(), c.response().status(),
                c.response().body().path("detail").asText()));
    }
}
