package io.backchannel.query.config;

import io.backchannel.api.evolution.EventEvolution;
import io.backchannel.query.EventWrites;
import io.backchannel.query.Projections;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.MongoDatabaseFactory;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(QuerySideProperties.class)
public class QuerySideConfiguration {

    /**
     * Where the tracking tokens live, beside the projections. Every other collection of the projection
     * database belongs to a projection, and a rebuild drops it.
     */
    public static final String TOKEN_COLLECTION = "trackingtokens";

    /**
     * Tokens live beside the projections they describe, so a projection and its position are lost or
     * kept together; a redelivery after a crash is absorbed by the keyed upserts.
     */
    @Bean
    TokenStore tokenStore(MongoDatabaseFactory mongo, @Qualifier("serializer") Serializer serializer) {
        return MongoTokenStore.builder()
                .mongoTemplate(DefaultMongoTemplate.builder().mongoDatabase(mongo.getMongoDatabase())
                        .trackingTokensCollectionName(TOKEN_COLLECTION).build())
                .serializer(serializer)
                .build();
    }

    /**
     * Old revisions of events, read as the current ones by the projections (Axon puts every
     * {@code EventUpcaster} bean into its event store's chain). The command side registers the same chain;
     * where both run in one JVM (standalone) it is registered once. Static, so that Axon's configurer, which
     * collects upcasters early, does not need this configuration (and what it injects) built first.
     */
    @Bean
    @ConditionalOnMissingBean(name = "backchannelEventUpcasters")
    static EventUpcaster backchannelEventUpcasters() {
        return EventEvolution.chain();
    }

    /**
     * Takes the place of Axon's default provider, which reads every handled event's metadata, wherever the
     * projections run. A command-side process alone keeps the default, which gives commands the same.
     */
    @Bean
    CorrelationDataProvider requestOriginProvider() {
        return new RequestOriginProvider();
    }

    /**
     * One tracking processor with one segment, in global event order. A failing write is retried
     * (the processor backs off and replays the batch), never skipped.
     *
     * <p>The token is stored only after the batch's writes succeeded. Axon stores it <em>before</em>
     * processing whenever the processor has a real transaction manager (assuming token and projections
     * commit together, as in a JPA store); in standalone that is the event store's JDBC one, which neither
     * the MongoDB writes nor the MongoDB token store take part in, so a failed batch would be skipped on retry
     * and a crash mid-batch would lose it. Without a transaction manager the batch is redelivered instead,
     * and the keyed upserts absorb what it had already written.
     */
    @Bean
    ConfigurerModule projectionProcessor(QuerySideProperties properties) {
        return configurer -> configurer.eventProcessing()
                .registerTrackingEventProcessor(Projections.GROUP, c -> c.eventStore(),
                        c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                                .andInitialSegmentsCount(1)
                                .andBatchSize(properties.batchSize()))
                .registerTransactionManager(Projections.GROUP, c -> NoTransactionManager.instance())
                .registerHandlerInterceptor(Projections.GROUP, c -> EventWrites.sendPerBatch())
                .registerListenerInvocationErrorHandler(Projections.GROUP, c -> PropagatingErrorHandler.instance());
    }
}
