package io.backchannel.standalone;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;

/**
 * @param dataDir where the embedded stores keep their files (default {@code ./data}): {@code events.mv.db}
 *                for the event store and {@code projections.mv} for the MongoDB-wire server
 */
@ConfigurationProperties("backchannel")
public record StandaloneProperties(@DefaultValue("./data") Path dataDir) {
}
