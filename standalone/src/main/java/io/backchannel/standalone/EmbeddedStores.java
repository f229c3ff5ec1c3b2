package io.backchannel.standalone;

import com.mongodb.ConnectionString;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.backchannel.query.Projections;
import org.axonframework.config.ConfigurerModule;
import org.h2.mvstore.MVStore;
import org.springframework.boot.autoconfigure.mongo.MongoConnectionDetails;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;

/** The two embedded stores, both durable under the data directory. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StandaloneProperties.class)
class EmbeddedStores {

    private static final String COMMIT_HOOK = EmbeddedStores.class.getName() + ".commit";

    /**
     * The projections' store: an H2 MVStore file that commits only after a projection batch, never in the
     * middle of one. Left to commit on its own timer, it could persist a document without its {@code _id}
     * index entry, and after a crash every later upsert of that document failed ("already existed"), so the
     * projections retried one batch forever. All projection writes, the tracking token's among them, come
     * from the projections' processor; after its batch they are all done, so what is committed is whole, and
     * a crash loses at most the uncommitted batch, which is replayed with its token.
     */
    @Bean
    H2Backend projectionStore(StandaloneProperties properties) {
        try {
            Files.createDirectories(properties.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + properties.dataDir(), e);
        }
        return new H2Backend(new MVStore.Builder()
                .fileName(properties.dataDir().resolve("projections.mv").toString())
                .autoCommitDisabled()
                .open());
    }

    @Bean
    ConfigurerModule commitProjectionStoreAfterEachBatch(H2Backend projectionStore) {
        return configurer -> configurer.eventProcessing().registerHandlerInterceptor(Projections.GROUP, c ->
                (unitOfWork, chain) -> {
                    unitOfWork.root().resources().computeIfAbsent(COMMIT_HOOK, once -> {
                        unitOfWork.root().afterCommit(batch -> projectionStore.commit());
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
