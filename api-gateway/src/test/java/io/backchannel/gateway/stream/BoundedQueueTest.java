package io.backchannel.gateway.stream;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedQueueTest {

    @Test
    void holdsAtMostItsCapacityInOrderAcrossChunks() {
        BoundedQueue<Integer> queue = new BoundedQueue<>(40);
        for (int i = 0; i < 40; i++) {
            assertThat(queue.offer(i)).as("element %d", i).isTrue();
        }
        assertThat(queue.offer(40)).as("one beyond the bound").isFalse();
        assertThat(queue).hasSize(40);
        assertThat(queue.poll()).isZero();
        assertThat(queue.offer(40)).as("room again once one is taken").isTrue();
        for (int i = 1; i <= 40; i++) {
            assertThat(queue.poll()).isEqualTo(i);
        }
        assertThat(queue.poll()).isNull();
        assertThat(queue.isEmpty()).isTrue();
    }

    /** A sink buffering into it reports an overflow once a slow subscriber lets it fill: the client gets resync. */
    @Test
    void aSinkOverflowsAtTheBound() {
        Sinks.Many<Integer> sink = Sinks.many().unicast().onBackpressureBuffer(new BoundedQueue<>(3));
        StepVerifier.create(sink.asFlux(), 0)
                .then(() -> {
                    for (int i = 0; i < 3; i++) {
                        assertThat(sink.tryEmitNext(i)).isEqualTo(Sinks.EmitResult.OK);
                    }
                    assertThat(sink.tryEmitNext(3)).isEqualTo(Sinks.EmitResult.FAIL_OVERFLOW);
                })
                .thenRequest(3)
                .expectNext(0, 1, 2)
                .then(sink::tryEmitComplete)
                .verifyComplete();
    }
}
