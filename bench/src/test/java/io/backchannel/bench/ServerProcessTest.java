package io.backchannel.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A {@code --server-arg} replaces the bench's own argument for the same key instead of doubling it. */
class ServerProcessTest {

    @Test
    void aServerArgOverridesTheBenchDefaultForItsKeyAndAddsTheRest() {
        List<String> args = ServerProcess.overriding(
                List.of("--backchannel.rate-limit.enabled=false", "--backchannel.boot.rebuild-endpoint=true"),
                List.of("--backchannel.query.batch-size=250", "--backchannel.rate-limit.enabled=true"));

        assertEquals(List.of("--backchannel.boot.rebuild-endpoint=true", "--backchannel.query.batch-size=250",
                "--backchannel.rate-limit.enabled=true"), args);
    }
}
