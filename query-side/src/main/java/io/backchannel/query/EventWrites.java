package io.backchannel.query;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.bson.Document;
import org.springframework.data.mongodb.core.BulkOperations.BulkMode;
import org.springframework.data.mongodb.core.FindAndReplaceOptions;
import org.springframework.data.mongodb.core.ReactiveBulkOperations;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import static io.backchannel.query.Projections.WRITE_TIMEOUT;

/**
 * The writes of one processor batch, sent as one ordered bulk write per collection once the batch's last
 * event has been handled, all collections at once. A batch then costs a round trip to MongoDB per
 * collection, not one per event: one per event held the projections to about 100 events a second under
 * load, behind sends at 750 a second, and live delivery and history wait for the projections. The bulk
 * keeps each collection's writes in the order they were made, and a failed bulk fails the batch, which is
 * delivered again (every write is keyed or guarded, so what it had written is written again unchanged).
 * A handler that reads what an earlier event of its batch may have written calls {@link #flush()} first.
 * Outside the processor (a test calling a handler) a write completes before the handler returns.
 */
public final class EventWrites {

    private static final String PENDING = EventWrites.class.getName();

    private EventWrites() {
    }

    /** Adds {@code write} to this batch's bulk for {@code collection}. */
    public static void submit(ReactiveMongoTemplate mongo, String collection, Consumer<ReactiveBulkOperations> write) {
        Batch batch = pending();
        if (batch == null) {
            ReactiveBulkOperations alone = mongo.bulkOps(BulkMode.ORDERED, collection);
            write.accept(alone);
            alone.execute().block(WRITE_TIMEOUT);
        } else {
            write.accept(batch.bulk(mongo, collection));
        }
    }

    /**
     * Adds to this batch's bulk for {@code collection} a write that replaces any earlier one of the batch with
     * the same {@code key}: only the last is sent, after the batch's other writes to the collection. For writes
     * that a later one makes redundant, such as raising a document's high-water mark: a batch of a channel's
     * messages then moves the channel once, not once for each message.
     */
    public static void submitLast(ReactiveMongoTemplate mongo, String collection, Object key,
                                  Consumer<ReactiveBulkOperations> write) {
        Batch batch = pending();
        if (batch == null) {
            submit(mongo, collection, write);
        } else {
            batch.bulk(mongo, collection); // send() adds the kept write to this bulk, so it must exist
            batch.lasts.computeIfAbsent(collection, name -> new LinkedHashMap<>()).put(key, write);
        }
    }

    /** Adds to this batch's bulk for {@code collection}: store {@code document} under its {@code _id}, replacing any there. */
    public static void save(ReactiveMongoTemplate mongo, String collection, Document document) {
        submit(mongo, collection, bulk -> bulk.replaceOne(Projections.byId(document.get("_id")), document,
                FindAndReplaceOptions.options().upsert()));
    }

    /** Sends the batch's writes so far, so that a read sees them. */
    public static void flush() {
        Batch batch = pending();
        if (batch != null) {
            batch.send();
        }
    }

    /** Gathers the writes of each batch the processor handles, and sends them after its last event. */
    public static MessageHandlerInterceptor<EventMessage<?>> sendPerBatch() {
        return (unitOfWork, chain) -> {
            UnitOfWork<?> root = unitOfWork.root();
            Batch batch = root.getOrComputeResource(PENDING, key -> new Batch());
            Object result = chain.proceed();
            if (!(root instanceof BatchingUnitOfWork<?> events) || events.isLastMessage()) {
                batch.send();
            }
            return result;
        };
    }

    private static Batch pending() {
        return CurrentUnitOfWork.isStarted() ? CurrentUnitOfWork.get().root().getResource(PENDING) : null;
    }

    /** The writes of one batch not sent yet: a bulk per collection, and the writes kept to be sent last. */
    private static final class Batch {

        private final Map<String, ReactiveBulkOperations> bulks = new LinkedHashMap<>();
        private final Map<String, Map<Object, Consumer<ReactiveBulkOperations>>> lasts = new LinkedHashMap<>();

        ReactiveBulkOperations bulk(ReactiveMongoTemplate mongo, String collection) {
            return bulks.computeIfAbsent(collection, name -> mongo.bulkOps(BulkMode.ORDERED, name));
        }

        void send() {
            lasts.forEach((collection, writes) -> writes.values().forEach(write -> write.accept(bulks.get(collection))));
            lasts.clear();
            if (!bulks.isEmpty()) {
                Mono.when(bulks.values().stream().map(ReactiveBulkOperations::execute).toList()).block(WRITE_TIMEOUT);
                bulks.clear();
            }
        }
    }
}
