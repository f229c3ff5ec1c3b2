package io.backchannel.query.config;

import io.backchannel.query.Projections;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code backchannel_projection_lag_events}: how many events the projections are behind the head of the
 * event store. Measured once a second on its own thread, because asking the store for its head is
 * I/O and a scrape runs on an event loop.
 */
@Component
class ProjectionLag implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProjectionLag.class);

    private final EventStore eventStore;
    private final EventProcessingConfiguration processing;
    private final AtomicLong lag = new AtomicLong();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "projection-lag");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running;

    ProjectionLag(EventStore eventStore, EventProcessingConfiguration processing, MeterRegistry registry) {
        this.eventStore = eventStore;
        this.processing = processing;
        Gauge.builder("backchannel.projection.lag", lag, AtomicLong::get).baseUnit("events")
                .description("Events stored but not yet projected").register(registry);
    }

    @Override
    public void start() {
        ticker.scheduleWithFixedDelay(this::measure, 1, 1, TimeUnit.SECONDS);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        ticker.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void measure() {
        try {
            long head = position(eventStore.createHeadToken());
            long projected = processing.eventProcessor(Projections.GROUP, TrackingEventProcessor.class)
                    .map(processor -> processor.processingStatus().values().stream()
                            .map(EventTrackerStatus::getCurrentPosition)
                            .flatMapToLong(OptionalLong::stream)
                            .min()
                            .orElse(-1L))
                    .orElse(-1L);
            lag.set(Math.max(0, head - projected));
        } catch (RuntimeException e) {
            log.debug("could not measure projection lag", e);
        }
    }

    private static long position(TrackingToken token) {
        return token == null ? -1 : token.position().orElse(-1);
    }
}
