package io.backchannel.standalone;

import com.mongodb.ConnectionString;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.backchannel.query.Projections;
import io.backchannel.query.config.QuerySideProperties;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.springframework.boot.autoconfigure.mongo.MongoConnectionDetails;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;

/** The two embedded stores, both durable under the data directory. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StandaloneProperties.class)
class EmbeddedStores {

    private static final String COMMIT_HOOK = EmbeddedStores.class.getName() + ".commit";
    /** The longest a busy projections' store goes uncommitted: what a crash makes them replay. */
    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

    /**
     * The projections' store: an H2 MVStore file (a {@link ProjectionStore}) that commits only between
     * projection batches, never in the middle of one. Left to write itself (on H2's timer, or once enough
     * changes are unsaved), it could persist a document without its {@code _id} index entry, and after a crash
     * every later upsert of that document failed ("already existed"), so the projections retried one batch
     * forever. All projection writes, the tracking token's among them, come from the projections' processor;
     * after its batch they are all done, so what is committed is whole, and a crash loses only batches after
     * the last commit, which are replayed with their token. How often it commits is {@link ProjectionCommits}'
     * call.
     */
    @Bean
    H2Backend projectionStore(StandaloneProperties properties) {
        try {
            Files.createDirectories(properties.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + properties.dataDir(), e);
        }
        return ProjectionStore.open(properties.dataDir().resolve("projections.mv"));
    }

    @Bean
    ConfigurerModule commitProjectionStoreBetweenBatches(H2Backend projectionStore, QuerySideProperties query) {
        ProjectionCommits commits = new ProjectionCommits(query.batchSize(), COMMIT_INTERVAL, System::nanoTime);
        return configurer -> configurer.eventProcessing().registerHandlerInterceptor(Projections.GROUP, c ->
                (unitOfWork, chain) -> {
                    unitOfWork.root().resources().computeIfAbsent(COMMIT_HOOK, once -> {
                        unitOfWork.root().afterCommit(batch -> {
                            int events = batch instanceof BatchingUnitOfWork<?> many ? many.getMessages().size() : 1;
                            if (commits.commitAfter(events)) {
                                projectionStore.commit();
                            }
                        });
                        return Boolean.TRUE;
                    });
                    return chain.proceed();
                });
    }

    /** A MongoDB-wire server on loopback over that store; the drivers cannot tell it from MongoDB. */
    @Bean(destroyMethod = "shutdown")
    MongoServer embeddedMongo(H2Backend projectionStore) {
        MongoServer server = new MongoServer(projectionStore);
        server.bind("127.0.0.1", 0);
        return server;
    }

    @Bean
    MongoConnectionDetails embeddedMongoConnection(MongoServer embeddedMongo) {
        InetSocketAddress address = embeddedMongo.getLocalAddress();
        ConnectionString uri = new ConnectionString(
                "mongodb://" + address.getHostString() + ":" + address.getPort() + "/backchannel");
        return () -> uri;
    }
}
