package io.backchannel.query.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tuning of the projections.
 *
 * @param batchSize events per projection transaction; larger batches cost fewer token writes, at the
 *                  price of live updates leaving in bursts (default 50)
 */
@ConfigurationProperties("backchannel.query")
public record QuerySideProperties(@DefaultValue("50") int batchSize) {
}
