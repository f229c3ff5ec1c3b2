package io.backchannel.standalone.reliability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A server that cannot start says why and exits with an error, so that its supervisor can restart or report it. */
class FailedStartTest {

    /** A setting read late in the start, once the MongoDB clients and their threads exist. */
    @Test
    void aServerWithAnInvalidSettingExitsWithAnError(@TempDir Path data) {
        ServerProcess server = ServerProcess.on(data.resolve("data"), "--backchannel.rate-limit.sends-per-second=many").start();

        assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
        assertThat(server.tail(200)).contains("APPLICATION FAILED TO START").contains("backchannel.rate-limit.sends-per-second");
    }
}
