package io.backchannel.query;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.DefaultInterceptorChain;
import org.axonframework.messaging.MessageHandler;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.axonframework.queryhandling.SimpleQueryUpdateEmitter;
import org.bson.Document;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every projection of the {@link Projections#GROUP} processing group (found by scanning for
 * {@code @ProcessingGroup}, so a new projection is included without anyone listing it), wired by Spring
 * over a {@link MongoFixture}, and fed events as the tracking processor feeds them: each event to every
 * handler that takes it, inside a unit of work. Close it after the test.
 */
public final class ProjectionContext implements AutoCloseable {

    private final AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext();
    private final List<AnnotationEventHandlerAdapter> handlers = new ArrayList<>();
    private final QueryUpdateEmitter emitter = SimpleQueryUpdateEmitter.builder().build();
    private final List<Class<?>> projections = new ArrayList<>();

    public ProjectionContext(ReactiveMongoTemplate mongo, ObjectMapper json) {
        spring.registerBean(ReactiveMongoTemplate.class, () -> mongo);
        spring.registerBean(ObjectMapper.class, () -> json);
        spring.registerBean(QueryUpdateEmitter.class, () -> emitter);
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ProcessingGroup.class));
        for (BeanDefinition candidate : scanner.findCandidateComponents("io.backchannel.query")) {
            try {
                Class<?> type = Class.forName(candidate.getBeanClassName());
                ProcessingGroup group = type.getAnnotation(ProcessingGroup.class);
                if (group != null && Projections.GROUP.equals(group.value())) {
                    projections.add(type);
                    spring.registerBean(type);
                }
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        spring.refresh();
        for (Class<?> type : projections) {
            handlers.add(new AnnotationEventHandlerAdapter(spring.getBean(type)));
        }
    }

    /** The projection classes found, for the record. */
    public List<Class<?>> projections() {
        return List.copyOf(projections);
    }

    public <T> T bean(Class<T> type) {
        return spring.getBean(type);
    }

    public QueryUpdateEmitter emitter() {
        return emitter;
    }

    /** Hands {@code event} to every projection that handles it, as a batch of its own. */
    public void deliver(EventMessage<?> event) {
        deliver(List.of(event));
    }

    /**
     * Hands the events to every projection that handles them as one batch, the way the processor does: in one
     * unit of work, through the interceptor that sends the batch's writes after its last event.
     */
    public void deliver(List<? extends EventMessage<?>> events) {
        inOneBatch(events, this::handle);
    }

    /** Runs {@code handler} as the handling of a one-event batch, whose writes are sent after it returns. */
    public static void inOneBatch(Runnable handler) {
        inOneBatch(List.of(GenericEventMessage.asEventMessage("an event")), event -> {
            handler.run();
            return null;
        });
    }

    private static void inOneBatch(List<? extends EventMessage<?>> events, MessageHandler<EventMessage<?>> handler) {
        BatchingUnitOfWork<EventMessage<?>> batch = new BatchingUnitOfWork<>(new ArrayList<EventMessage<?>>(events));
        ResultMessage<?> result = batch.executeWithResult(() -> new DefaultInterceptorChain<EventMessage<?>>(
                batch, List.of(EventWrites.sendPerBatch()), handler).proceed());
        if (result.isExceptional()) {
            throw new IllegalStateException("a batch of " + events.size() + " events failed", result.exceptionResult());
        }
    }

    /** Hands the events over in batches of {@code size}. */
    public void deliverInBatches(List<? extends EventMessage<?>> events, int size) {
        for (int from = 0; from < events.size(); from += size) {
            deliver(events.subList(from, Math.min(events.size(), from + size)));
        }
    }

    private Object handle(EventMessage<?> event) throws Exception {
        for (AnnotationEventHandlerAdapter handler : handlers) {
            if (handler.canHandle(event)) {
                handler.handle(event);
            }
        }
        return null;
    }

    /** Every document of every collection, by collection and {@code _id}: what a reader of the projections can see. */
    public static Map<String, String> contents(ReactiveMongoTemplate mongo) {
        Map<String, String> contents = new TreeMap<>();
        List<String> names = mongo.getCollectionNames().collectList().block(MongoFixture.TIMEOUT);
        for (String name : names == null ? List.<String>of() : names) {
            mongo.findAll(Document.class, name).collectList().block(MongoFixture.TIMEOUT)
                    .forEach(document -> contents.put(name + "/" + document.get("_id"), document.toJson()));
        }
        return contents;
    }

    @Override
    public void close() {
        spring.close();
    }
}
