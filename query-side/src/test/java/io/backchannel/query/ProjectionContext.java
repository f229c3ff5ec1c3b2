package io.backchannel.query;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
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

    /** Hands {@code event} to every projection that handles it, in one unit of work, as the processor does. */
    public void deliver(EventMessage<?> event) {
        DefaultUnitOfWork.startAndGet(event).execute(() -> {
            for (AnnotationEventHandlerAdapter handler : handlers) {
                if (handler.canHandle(event)) {
                    try {
                        handler.handle(event);
                    } catch (Exception e) {
                        throw new IllegalStateException("handling " + event.getPayload() + " failed", e);
                    }
                }
            }
        });
    }

    public void deliver(List<? extends EventMessage<?>> events) {
        events.forEach(this::deliver);
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
