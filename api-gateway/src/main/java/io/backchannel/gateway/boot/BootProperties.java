package io.backchannel.gateway.boot;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The boot cache.
 *
 * @param updateBuffer     team updates Axon buffers per followed team before the team is dropped and
 *                         reloaded (default 8,192)
 * @param warmConcurrency  teams loaded at once while warming at start-up, and while loading again the
 *                         teams whose updates ended (default 4)
 * @param rebuildEndpoint  whether {@code GET /boot?mode=rebuild} answers from the projections on every
 *                         call, the rtm.start way; for benchmarks only (default false: it costs a scan
 *                         per channel)
 */
@ConfigurationProperties("backchannel.boot")
public record BootProperties(@DefaultValue("8192") int updateBuffer,
                             @DefaultValue("4") int warmConcurrency,
                             @DefaultValue("false") boolean rebuildEndpoint) {
}
