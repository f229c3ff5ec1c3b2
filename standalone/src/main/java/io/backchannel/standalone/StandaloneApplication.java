package io.backchannel.standalone;

import io.backchannel.query.Startup;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

/**
 * The embedded default: command side, query side and gateway in one JVM on Axon's local buses, with
 * the event store in an H2 file and the projections in a file-backed MongoDB-wire server, all under
 * {@code backchannel.data-dir}. Same beans as the distributed shape; only the stores differ.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan(basePackages = "io.backchannel", excludeFilters = @ComponentScan.Filter(type = FilterType.REGEX,
        pattern = "io\\.backchannel\\.(command|query|gateway)\\.\\w+Application"))
public class StandaloneApplication {

    public static void main(String[] args) {
        Startup.run(StandaloneApplication.class, args);
    }
}
