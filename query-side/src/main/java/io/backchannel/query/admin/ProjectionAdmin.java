package io.backchannel.query.admin;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.backchannel.api.Rejection;
import io.backchannel.api.admin.FetchProjectionStatusQuery;
import io.backchannel.api.admin.ProjectionRebuildStarted;
import io.backchannel.api.admin.ProjectionStatus;
import io.backchannel.api.admin.RebuildProjectionsCommand;
import io.backchannel.api.team.FollowTeamQuery;
import io.backchannel.query.Projections;
import io.backchannel.query.config.QuerySideConfiguration;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.queryhandling.QueryHandler;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The operator's handle on the projections. The query side owns them, so the rebuild runs here, as a
 * command any gateway can send (through the local bus in standalone, through Axon Server in the
 * distributed shape); nothing outside the query side touches MongoDB.
 *
 * <p>A rebuild stops the {@link Projections#GROUP} processor, resets its tracking token to the start of the
 * event store, drops every projection collection (every collection of the projection database except the
 * token store's: that database belongs to the query side alone), ends every boot-cache team subscription
 * (so every gateway node reloads its teams from the rebuilt projections) and starts the processor again.
 * It answers once that is done; the replay goes on in the background, visible in {@link ProjectionStatus},
 * {@code /actuator/health} and {@code backchannel_projection_lag_events}. Reads are partial until it
 * catches up; writes are not affected.
 */
@Component
class ProjectionAdmin {

    private static final Logger log = LoggerFactory.getLogger(ProjectionAdmin.class);
    private static final Duration STOP_TIMEOUT = Projections.WRITE_TIMEOUT.plusSeconds(30);

    private final EventProcessingConfiguration processing;
    private final MongoDatabaseFactory mongo;
    private final EventStore eventStore;
    private final QueryUpdateEmitter emitter;

    ProjectionAdmin(EventProcessingConfiguration processing, MongoDatabaseFactory mongo, EventStore eventStore,
                    QueryUpdateEmitter emitter) {
        this.processing = processing;
        this.mongo = mongo;
        this.eventStore = eventStore;
        this.emitter = emitter;
    }

    @CommandHandler
    synchronized ProjectionRebuildStarted handle(RebuildProjectionsCommand command) {
        TrackingEventProcessor processor = processor();
        log.warn("projection rebuild requested by {}: stopping processor '{}'", command.requestedBy(),
                processor.getName());
        stop(processor);
        try {
            long replayUntil = position(eventStore.createHeadToken());
            try {
                processor.resetTokens();
            } catch (RuntimeException e) {
                // Typically another query-side node holds the token. Nothing was dropped: the projections stay as they were.
                log.warn("could not reset the tokens of '{}'", processor.getName(), e);
                throw refusal(Rejection.conflict("the projections could not be reset (is another query-side node "
                        + "processing them?): " + e.getMessage()));
            }
            List<String> dropped = dropProjectionCollections();
            // Every gateway node's boot cache follows its teams through these subscriptions: ending them makes
            // each node forget its teams, which it then loads again and the replay's updates bring up to date.
            emitter.complete(FollowTeamQuery.class, query -> true);
            log.warn("dropped projection collections {}; replaying events up to position {}", dropped, replayUntil);
            return new ProjectionRebuildStarted(processor.getName(), dropped, replayUntil, Instant.now());
        } finally {
            processor.start();
        }
    }

    @QueryHandler
    ProjectionStatus handle(FetchProjectionStatusQuery query) {
        TrackingEventProcessor processor = processor();
        long head = position(eventStore.createHeadToken());
        var statuses = processor.processingStatus().values();
        long position = statuses.stream()
                .map(EventTrackerStatus::getCurrentPosition)
                .mapToLong(current -> current.orElse(-1L))
                .min()
                .orElse(-1L);
        boolean replaying = statuses.stream().anyMatch(ProjectionAdmin::replaying);
        String error = statuses.stream()
                .filter(EventTrackerStatus::isErrorState)
                .map(status -> String.valueOf(status.getError()))
                .findFirst()
                .orElse(null);
        return new ProjectionStatus(processor.getName(), processor.isRunning(), replaying, error, position, head,
                Math.max(0, head - position));
    }

    /**
     * Still short of where it was reset. (Axon keeps a segment's token a replay token until it handles an
     * event past the reset position, which in a quiet store can be long after the replay has caught up.)
     */
    static boolean replaying(EventTrackerStatus status) {
        return status.isReplaying() && status.getResetPosition().isPresent()
                && status.getCurrentPosition().orElse(-1L) < status.getResetPosition().getAsLong();
    }

    private TrackingEventProcessor processor() {
        return processing.eventProcessor(Projections.GROUP, TrackingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("no tracking processor " + Projections.GROUP));
    }

    private static void stop(TrackingEventProcessor processor) {
        try {
            // Waits for the batch in hand to finish (its writes are bounded by Projections.WRITE_TIMEOUT).
            processor.shutdownAsync().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            processor.start();
            throw new IllegalStateException("interrupted while stopping the projection processor", e);
        } catch (ExecutionException | TimeoutException e) {
            processor.start();
            throw refusal(Rejection.conflict("the projection processor did not stop within "
                    + STOP_TIMEOUT.toSeconds() + " s; nothing was changed, try again"));
        }
    }

    /**
     * Drops what the projections own: every collection but the token store's (and MongoDB's own). The
     * secondary indexes a projection declared are created again on the empty collection, as they were.
     */
    private List<String> dropProjectionCollections() {
        MongoDatabase database = mongo.getMongoDatabase();
        List<String> dropped = new ArrayList<>();
        for (String name : database.listCollectionNames()) {
            if (isProjectionCollection(name)) {
                MongoCollection<Document> collection = database.getCollection(name);
                List<Document> indexes = new ArrayList<>();
                for (Document index : collection.listIndexes()) {
                    if (!"_id_".equals(index.getString("name"))) {
                        Document spec = new Document(index);
                        spec.remove("v");
                        spec.remove("ns");
                        indexes.add(spec);
                    }
                }
                collection.drop();
                if (!indexes.isEmpty()) {
                    database.runCommand(new Document("createIndexes", name).append("indexes", indexes));
                }
                dropped.add(name);
            }
        }
        dropped.sort(null);
        return dropped;
    }

    static boolean isProjectionCollection(String name) {
        return !Objects.equals(name, QuerySideConfiguration.TOKEN_COLLECTION) && !name.startsWith("system.");
    }

    /** A refusal in the form that reaches the gateway the same way over the local bus and over Axon Server. */
    private static CommandExecutionException refusal(Rejection rejection) {
        return new CommandExecutionException(rejection.detail(), null, rejection);
    }

    private static long position(TrackingToken token) {
        return Optional.ofNullable(token).flatMap(t -> {
            var position = t.position();
            return position.isPresent() ? Optional.of(position.getAsLong()) : Optional.empty();
        }).orElse(-1L);
    }
}
