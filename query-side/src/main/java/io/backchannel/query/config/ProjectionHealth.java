package io.backchannel.query.config;

import io.backchannel.query.Projections;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.ReactiveHealthIndicator;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * Health of the projections: their store answers, and the processor is not stuck retrying a failed
 * batch. A failing write is retried, never skipped, so it shows here until it succeeds.
 */
@Component("projections")
class ProjectionHealth implements ReactiveHealthIndicator {

    private final ReactiveMongoTemplate mongo;
    private final EventProcessingConfiguration processing;

    ProjectionHealth(ReactiveMongoTemplate mongo, EventProcessingConfiguration processing) {
        this.mongo = mongo;
        this.processing = processing;
    }

    @Override
    public Mono<Health> health() {
        return mongo.executeCommand("{ping: 1}")
                .timeout(Duration.ofSeconds(2))
                .map(pong -> processorHealth())
                .onErrorResume(error -> Mono.just(Health.down(new IllegalStateException("projection store unreachable", error)).build()));
    }

    private Health processorHealth() {
        return processing.eventProcessor(Projections.GROUP, TrackingEventProcessor.class)
                .map(processor -> {
                    var failing = processor.processingStatus().values().stream()
                            .filter(EventTrackerStatus::isErrorState)
                            .findFirst();
                    Health.Builder health = failing.isPresent() ? Health.down() : Health.up();
                    failing.ifPresent(status -> health.withDetail("error", String.valueOf(status.getError())));
                    // Progress, for a rebuild (a replay) or a catch-up after an outage.
                    processor.processingStatus().values().stream().findFirst().ifPresent(status -> {
                        // Axon keeps a replay token until an event past the reset position: replaying means short of it.
                        health.withDetail("replaying", status.isReplaying() && status.getResetPosition().isPresent()
                                && status.getCurrentPosition().orElse(-1L) < status.getResetPosition().getAsLong());
                        status.getCurrentPosition().ifPresent(position -> health.withDetail("position", position));
                    });
                    return health.withDetail("running", processor.isRunning()).build();
                })
                .orElseGet(() -> Health.unknown().build());
    }
}
