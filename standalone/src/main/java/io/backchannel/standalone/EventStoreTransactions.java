package io.backchannel.standalone;

import org.axonframework.eventsourcing.eventstore.jdbc.JdbcSQLErrorCodesResolver;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

import javax.sql.DataSource;

/**
 * JDBC transactions cover event-store writes and nothing else. Axon wraps every command and query in
 * its {@link TransactionManager}; with the JDBC one a send would take a pooled connection before it queues
 * for its channel's lock, so a hot channel starves the pool, and every query (answered from MongoDB) would
 * hold a connection it never uses. The buses get no transaction; the storage engine opens its own for the
 * appends it writes together ({@link GroupCommit}), and each command still waits for its own, under its
 * aggregate's lock and before it answers.
 */
@Configuration(proxyBeanMethods = false)
class EventStoreTransactions {

    @Bean
    TransactionManager axonTransactionManager() {
        return NoTransactionManager.instance();
    }

    @Bean
    EventStorageEngine eventStorageEngine(Serializer defaultSerializer,
                                          @Qualifier("eventSerializer") Serializer eventSerializer,
                                          DataSource eventStore,
                                          PlatformTransactionManager jdbcTransactions,
                                          org.axonframework.config.Configuration axon) {
        return new GroupCommit(JdbcEventStorageEngine.builder()
                .snapshotSerializer(defaultSerializer)
                .eventSerializer(eventSerializer)
                .upcasterChain(axon.upcasterChain())
                .snapshotFilter(axon.snapshotFilter())
                .persistenceExceptionResolver(new JdbcSQLErrorCodesResolver())
                .connectionProvider(new SpringDataSourceConnectionProvider(eventStore))
                .transactionManager(new SpringTransactionManager(jdbcTransactions))
                .build());
    }
}
