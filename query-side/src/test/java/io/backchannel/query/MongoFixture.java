package io.backchannel.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.bson.Document;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * The embedded MongoDB-wire server under the real reactive driver and Spring's {@link ReactiveMongoTemplate}:
 * one in-memory server per test class, an empty database for every test. Register it as
 * {@code @RegisterExtension static final MongoFixture mongo = new MongoFixture();}.
 */
public final class MongoFixture implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private MongoServer server;
    private MongoClient client;
    private ReactiveMongoTemplate template;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
        template = new ReactiveMongoTemplate(client, "test");
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        template.getMongoDatabase().flatMap(database -> Mono.from(database.drop())).block(TIMEOUT);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    public ReactiveMongoTemplate template() {
        return template;
    }

    /** Jackson as Spring Boot configures it for these records: java.time support, dates as ISO strings. */
    public ObjectMapper json() {
        return json;
    }

    public long count(String collection) {
        return template.getCollection(collection).flatMap(c -> Mono.from(c.countDocuments())).blockOptional(TIMEOUT)
                .orElse(0L);
    }

    /** The raw document, or null. */
    public Document findById(String collection, String id) {
        return template.findById(id, Document.class, collection).block(TIMEOUT);
    }
}
