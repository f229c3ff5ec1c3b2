package io.backchannel.standalone;

import io.backchannel.standalone.Api.User;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Teams, channels and who may see and post in them, as API.md's membership rules say. */
class ChannelMembershipEndToEndTest {

    private final Api api = new Api(RunningServer.shared().baseUrl());

    @Test
    void joiningATeamJoinsItsGeneralChannelAndTwiceIsTheSameAnswer() {
        User alice = api.signUp("alice");
        User bob = api.signUp("bob");
        String team = api.createTeam(alice);

        var first = api.post("/api/teams/" + team + "/members", bob, null).expect(200);
        var again = api.post("/api/teams/" + team + "/members", bob, null).expect(200);

        assertThat(first.body()).isEqualTo(again.body());
        assertThat(first.text("teamId")).isEqualTo(team);
        assertThat(first.text("userId")).isEqualTo(bob.userId());
        String general = first.text("generalChannelId");
        var details = api.get("/api/channels/" + general, bob).expect(200);
        assertThat(details.text("name")).isEqualTo("general");
        assertThat(details.number("memberCount")).isEqualTo(2);
        api.send(bob, general, "hi-all", "hello team").block().expect(201);
    }

    @Test
    void aPrivateChannelIsEnteredOnlyByBeingAddedAndLeftForGood() {
        User alice = api.signUp("alice");
        User bob = api.signUp("bob");
        String team = api.createTeam(alice);
        api.joinTeam(bob, team);
        String secret = api.createChannel(alice, team, true);

        api.get("/api/channels/" + secret, bob).expect(404);
        api.post("/api/channels/" + secret + "/members", alice, Map.of("userId", bob.userId())).expect(200);
        api.post("/api/channels/" + secret + "/members", alice, Map.of("userId", bob.userId())).expect(200);

        var details = api.get("/api/channels/" + secret, bob).expect(200);
        assertThat(details.body().path("private").asBoolean()).isTrue();
        assertThat(details.number("memberCount")).isEqualTo(2);
        api.send(bob, secret, "in", "now I am in").block().expect(201);

        api.get("/api/channels/" + secret + "/events?after=0", bob).expect(200);
        api.delete("/api/channels/" + secret + "/members/" + bob.userId(), bob).expect(204);
        api.get("/api/channels/" + secret, bob).expect(404);
        // Resuming is authorised from the boot cache, which shows the leave as soon as it is answered.
        api.get("/api/channels/" + secret + "/events?after=0", bob).expect(404);
        api.send(bob, secret, "out", "still here?").block().expect(404);
        assertThat(api.allEvents(alice, secret).map(event -> event.path("type").asText()).collectList().block())
                .containsExactly("channel.created", "member.joined", "message.posted", "member.left");
    }

    @Test
    void aPublicChannelIsJoinedBySelfAndPostingNeedsMembership() {
        User alice = api.signUp("alice");
        User bob = api.signUp("bob");
        String team = api.createTeam(alice);
        api.joinTeam(bob, team);
        String open = api.createChannel(alice, team, false);

        api.get("/api/channels/" + open, bob).expect(200);
        api.send(bob, open, "early", "not yet a member").block().expect(403);
        var joined = api.post("/api/channels/" + open + "/members", bob, Map.of()).expect(200);
        assertThat(joined.text("userId")).isEqualTo(bob.userId());
        var posted = api.send(bob, open, "member-now", "a member now").block().expect(201);
        assertThat(posted.number("seq")).isEqualTo(2);

        api.delete("/api/channels/" + open + "/members/" + bob.userId(), bob).expect(204);
        api.delete("/api/channels/" + open + "/members/" + bob.userId(), bob).expect(204);
        api.send(bob, open, "left", "gone").block().expect(403);
        var details = api.get("/api/channels/" + open, alice).expect(200);
        assertThat(details.number("memberCount")).isEqualTo(1);
        assertThat(details.number("lastSeq")).isEqualTo(3);
    }

    @Test
    void onlyTeamMembersMayBeAddedToAChannel() {
        User alice = api.signUp("alice");
        User stranger = api.signUp("stranger");
        String team = api.createTeam(alice);
        String open = api.createChannel(alice, team, false);

        api.post("/api/channels/" + open + "/members", alice, Map.of("userId", stranger.userId())).expect(404);
        api.post("/api/channels/" + open + "/members", stranger, Map.of()).expect(403);
    }
}
