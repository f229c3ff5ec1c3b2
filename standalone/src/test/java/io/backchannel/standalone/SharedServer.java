package io.backchannel.standalone;

import io.backchannel.standalone.Api.User;
import org.springframework.http.codec.ServerSentEvent;
import reactor.test.StepVerifier;

import java.time.Duration;

/**
 * The public door to the shared test server ({@link RunningServer#shared()}) and its package-private
 * client, for tests in other packages (the operations checks read its live {@code /actuator/prometheus}).
 */
public final class SharedServer {

    private SharedServer() {
    }

    /** Base URL of the one standalone server this test JVM shares, started on first use. */
    public static String baseUrl() {
        return RunningServer.shared().baseUrl();
    }

    /**
     * A little of everything the dashboards chart, done the way a client does it, so the meters that
     * are created on first use exist: a signup, a team and a channel, a boot, an SSE stream that sees a
     * send arrive live, a retried send (a dedup hit) and a history read.
     */
    public static void driveSampleTraffic() {
        Api api = new Api(baseUrl());
        User alice = api.signUp("ops");
        String team = api.createTeam(alice);
        String channel = api.createChannel(alice, team, false);
        // Boot may not be served yet; its answer does not matter here, only that the meters see a call.
        api.get("/api/teams/" + team + "/boot", alice);

        StepVerifier.create(api.streamWithComments("/api/channels/" + channel + "/stream", alice.token(), h -> { }))
                .expectNextMatches(opened -> opened.event() == null) // the first comment: the stream is open
                .then(() -> api.send(alice, channel, "ops-1", "metrics, please").block().expect(201))
                .thenConsumeWhile(frame -> !isMessagePosted(frame))
                .expectNextMatches(SharedServer::isMessagePosted)
                .thenCancel()
                .verify(Duration.ofSeconds(30));

        api.send(alice, channel, "ops-1", "metrics, please").block().expect(200);
        api.awaitProjected(alice, channel, 1);
        api.get("/api/channels/" + channel + "/messages", alice).expect(200);
    }

    private static boolean isMessagePosted(ServerSentEvent<String> frame) {
        return "message.posted".equals(frame.event());
    }
}
