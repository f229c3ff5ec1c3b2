package io.backchannel.standalone.security;

import io.backchannel.standalone.security.Http.Reply;
import io.backchannel.standalone.security.Http.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A token passed as {@code ?access_token=} (EventSource and WebSocket cannot send headers) never reaches a log
 * line. The request URI, query included, is logged in more than one place: Spring's request logging at DEBUG,
 * and the Reactor checkpoint ({@code HTTP GET "/api/...?access_token=..." [ExceptionHandlingWebHandler]}) attached
 * to every exception the problem handler logs. Here the server logs both, through the test logging
 * configuration, which wraps its patterns with the same redaction file as the application's logback-spring.xml.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogRedactionTest {

    private static final String REQUEST_LOGGER = "org.springframework.web.server.adapter.HttpWebHandlerAdapter";

    @Test
    void tokensInTheQueryStringAreRedactedFromEveryLogLine(CapturedOutput output) {
        Http http = new Http(LimitedServer.get().baseUrl());
        User user = http.signUp("logged");
        String team = http.createTeam(user);
        String channel = http.createChannel(user, team, false);
        String token = user.token();
        String signature = token.substring(token.lastIndexOf('.') + 1);

        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        logging.setLogLevel(REQUEST_LOGGER, LogLevel.DEBUG);
        try {
            // An unexpected failure while serving a request with the token in its query: logged with its checkpoint.
            Reply failed = http.get(LimitedServer.FAILING_ROUTE + "?after=1&access_token=" + token, null);
            assertThat(failed.status()).isEqualTo(500);
            assertThat(failed.body()).doesNotContain(token);
            // A stream and a WebSocket opened the browser way, while every request line is logged.
            assertThat(http.openStream("/api/channels/" + channel + "/stream?access_token=" + token, null).status())
                    .isEqualTo(200);
            assertThat(Ws.handshake(http.baseUrl(), token, null, true)).isEqualTo(101);
            // A refusal with a broken token in the query.
            assertThat(http.openStream("/api/channels/" + channel + "/stream?access_token=" + token + "x", null)
                    .status()).isEqualTo(401);
        } finally {
            logging.setLogLevel(REQUEST_LOGGER, null);
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(output.getAll()).contains("unexpected error", "a test-only failure")
                    .contains("HTTP GET \"" + LimitedServer.FAILING_ROUTE + "?after=1&access_token=[REDACTED]\"")
                    .contains("HTTP GET \"/api/channels/" + channel + "/stream?access_token=[REDACTED]\"")
                    .contains("HTTP GET \"/api/ws?access_token=[REDACTED]\"");
        });
        assertThat(output.getAll()).doesNotContain(token).doesNotContain(signature);
    }
}
