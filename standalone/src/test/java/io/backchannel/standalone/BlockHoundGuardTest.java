package io.backchannel.standalone;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Shows the guard is armed: without this, a green end-to-end run would prove nothing about blocking. */
class BlockHoundGuardTest {

    @Test
    void blockingOnANettyEventLoopFails() {
        RunningServer server = RunningServer.shared();
        Mono<String> blockingOnEventLoop = new Api(server.baseUrl())
                .call(org.springframework.http.HttpMethod.GET, "/actuator/health", null, null, h -> { })
                .map(response -> {
                    sleep();
                    return Thread.currentThread().getName();
                });
        assertThatThrownBy(() -> blockingOnEventLoop.block(Duration.ofSeconds(30)))
                .hasCauseInstanceOf(BlockingOperationError.class);
    }

    @Test
    void blockingOnAParallelSchedulerFails() {
        assertThatThrownBy(() -> Mono.fromRunnable(BlockHoundGuardTest::sleep)
                .subscribeOn(Schedulers.parallel())
                .block(Duration.ofSeconds(10)))
                .hasCauseInstanceOf(BlockingOperationError.class);
    }

    private static void sleep() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
