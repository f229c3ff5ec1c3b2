package io.backchannel.command.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Named;

import java.util.stream.Stream;

/** The ObjectMappers a snapshot may meet: a bare one with JavaTimeModule, and Axon's Spring Boot default. */
final class SnapshotMappers {

    private SnapshotMappers() {
    }

    static Stream<Named<ObjectMapper>> mappers() {
        return Stream.of(
                Named.of("ObjectMapper + JavaTimeModule", new ObjectMapper().registerModule(new JavaTimeModule())),
                // Axon's defaultAxonObjectMapper: every module on the classpath, ParameterNamesModule included.
                Named.of("ObjectMapper.findAndRegisterModules()", new ObjectMapper().findAndRegisterModules()));
    }
}
