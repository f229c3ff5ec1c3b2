package io.backchannel.query;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A query side that cannot start says why and exits with an error, so that its supervisor can restart or report
 * it. Run as the distributed shape runs it, as a process of its own, with an in-memory MongoDB: its failure comes
 * late, once both MongoDB clients and their threads exist.
 */
class FailedStartTest {

    @Test
    void aQuerySideWhosePortIsTakenExitsWithAnError(@TempDir Path dir) throws Exception {
        MongoServer mongo = new MongoServer(new MemoryBackend());
        InetSocketAddress mongoAddress = mongo.bind();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path output = dir.resolve("query-side.log");
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), QuerySideApplication.class.getName(),
                    "--spring.data.mongodb.uri=mongodb://127.0.0.1:" + mongoAddress.getPort() + "/backchannel",
                    "--server.address=" + taken.getInetAddress().getHostAddress(), "--server.port=" + taken.getLocalPort())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            try {
                assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("exited within 90 s; its output:%n%s",
                        Files.readString(output)).isTrue();
                assertThat(process.exitValue()).isEqualTo(1);
                assertThat(Files.readString(output)).contains("APPLICATION FAILED TO START");
            } finally {
                process.destroyForcibly();
            }
        } finally {
            mongo.shutdownNow();
        }
    }
}
