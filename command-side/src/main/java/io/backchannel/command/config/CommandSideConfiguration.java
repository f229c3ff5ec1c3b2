package io.backchannel.command.config;

import com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration;
import com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider;
import io.backchannel.api.RejectedException;
import io.backchannel.api.Rejection;
import io.backchannel.api.evolution.EventEvolution;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.caching.JCacheAdapter;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.SnapshotterSpanFactory;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.axonframework.spring.eventsourcing.SpringAggregateSnapshotter;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.cache.Caching;
import java.net.URI;
import java.util.OptionalLong;
import java.util.UUID;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CommandSideProperties.class)
public class CommandSideConfiguration {

    /**
     * A bounded LRU cache (Caffeine through JCache), not weak references: a GC must not evict a hot
     * channel. The cache manager is this context's own, so nothing outlives or leaks across a restart.
     */
    @Bean(destroyMethod = "close")
    javax.cache.CacheManager aggregateCacheManager() {
        return Caching.getCachingProvider(CaffeineCachingProvider.class.getName())
                .getCacheManager(URI.create("backchannel:aggregates:" + UUID.randomUUID()), getClass().getClassLoader());
    }

    @Bean
    Cache aggregateCache(javax.cache.CacheManager aggregateCacheManager, CommandSideProperties properties) {
        CaffeineConfiguration<Object, Object> configuration = new CaffeineConfiguration<>();
        configuration.setMaximumSize(OptionalLong.of(properties.aggregateCacheSize()));
        return new JCacheAdapter(aggregateCacheManager.createCache("aggregates", configuration));
    }

    /**
     * Old revisions of events, read as the current ones by the aggregates (Axon puts every
     * {@code EventUpcaster} bean into its event store's chain). The query side registers the same chain;
     * where both run in one JVM (standalone) it is registered once. Static, so that Axon's configurer, which
     * collects upcasters early, does not need this configuration (and what it injects) built first.
     */
    @Bean
    @ConditionalOnMissingBean(name = "backchannelEventUpcasters")
    static EventUpcaster backchannelEventUpcasters() {
        return EventEvolution.chain();
    }

    /** Named by every aggregate's {@code @Aggregate(commandTargetResolver = ...)}. */
    @Bean
    CommandTargetResolver commandTargets() {
        return new CommandTargets();
    }

    /**
     * Snapshots are taken on a thread of their own. Axon's default takes one on the thread of the command
     * that crossed the threshold, after its commit and before it answers: that send, and every send queued
     * behind it on the channel, waited while the channel's last events were read back and replayed. One thread
     * is enough: a channel has at most one snapshot scheduled at a time, and a late snapshot only lengthens
     * the replay after a cache miss.
     */
    @Bean
    SnapshotThread snapshotThread() {
        return new SnapshotThread();
    }

    /** Axon's own snapshotter, built as its auto-configuration builds it, but on the {@link SnapshotThread}. */
    @Bean
    SpringAggregateSnapshotter aggregateSnapshotter(org.axonframework.config.Configuration axon,
                                                    HandlerDefinition handlerDefinition,
                                                    ParameterResolverFactory parameterResolverFactory,
                                                    EventStore eventStore, TransactionManager transactionManager,
                                                    SnapshotterSpanFactory spanFactory, SnapshotThread snapshotThread) {
        return SpringAggregateSnapshotter.builder()
                .repositoryProvider(axon::repository)
                .transactionManager(transactionManager)
                .eventStore(eventStore)
                .parameterResolverFactory(parameterResolverFactory)
                .handlerDefinition(handlerDefinition)
                .spanFactory(spanFactory)
                .executor(snapshotThread.executor())
                .build();
    }

    @Bean
    SnapshotTriggerDefinition channelSnapshotTrigger(Snapshotter snapshotter, CommandSideProperties properties) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, properties.snapshotThreshold());
    }

    /**
     * Turns a refusal into a {@link CommandExecutionException} whose details carry the {@link Rejection},
     * the form that survives the trip through Axon Server, so the gateway reads one shape in both modes.
     */
    @Autowired
    void translateRejections(CommandBus commandBus) {
        commandBus.registerHandlerInterceptor((MessageHandlerInterceptor<CommandMessage<?>>) (unitOfWork, chain) -> {
            try {
                return chain.proceed();
            } catch (RejectedException e) {
                throw new CommandExecutionException(e.getMessage(), null, e.rejection());
            } catch (AggregateNotFoundException e) {
                Rejection notFound = Rejection.notFound("no such " + kindOf(unitOfWork.getMessage()));
                throw new CommandExecutionException(notFound.detail(), null, notFound);
            }
        });
    }

    /** Commands are grouped by the aggregate they target: team and account ones, and channel for the rest. */
    private static String kindOf(CommandMessage<?> command) {
        String group = command.getPayloadType().getPackageName();
        return group.endsWith(".team") ? "team" : group.endsWith(".account") ? "account" : "channel";
    }
}
