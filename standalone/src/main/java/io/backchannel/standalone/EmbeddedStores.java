package io.backchannel.standalone;

import com.mongodb.ConnectionString;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
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

    /** A MongoDB-wire server on loopback, backed by an H2 MVStore file; the drivers cannot tell it from MongoDB. */
    @Bean(destroyMethod = "shutdown")
    MongoServer embeddedMongo(StandaloneProperties properties) {
        try {
            Files.createDirectories(properties.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + properties.dataDir(), e);
        }
        MongoServer server = new MongoServer(new H2Backend(properties.dataDir().resolve("projections.mv").toString()));
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
