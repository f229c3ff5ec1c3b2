package io.backchannel.query.config;

import io.backchannel.query.Projections;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.MongoDatabaseFactory;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(QuerySideProperties.class)
public class QuerySideConfiguration {

    /**
     * Tokens live beside the projections they describe, so a projection and its position are lost or
     * kept together; a redelivery after a crash is absorbed by the keyed upserts.
     */
    @Bean
    TokenStore tokenStore(MongoDatabaseFactory mongo, @Qualifier("serializer") Serializer serializer) {
        return MongoTokenStore.builder()
                .mongoTemplate(DefaultMongoTemplate.builder().mongoDatabase(mongo.getMongoDatabase()).build())
                .serializer(serializer)
                .build();
    }

    /**
     * One tracking processor with one segment, in global event order. A failing write is retried
     * (the processor backs off and replays the batch), never skipped.
     */
    @Bean
    ConfigurerModule projectionProcessor(QuerySideProperties properties) {
        return configurer -> configurer.eventProcessing()
                .registerTrackingEventProcessor(Projections.GROUP, c -> c.eventStore(),
                        c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                                .andInitialSegmentsCount(1)
                                .andBatchSize(properties.batchSize()))
                .registerListenerInvocationErrorHandler(Projections.GROUP, c -> PropagatingErrorHandler.instance());
    }
}
