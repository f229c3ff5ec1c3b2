package io.backchannel.query.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tuning of the projections.
 *
 * @param batchSize events per projection batch at most; a batch costs one bulk write per collection and one
 *                  token write, so larger batches cost less per event, at the price of live updates leaving
 *                  in bursts (default 50)
 */
@ConfigurationProperties("backchannel.query")
public record QuerySideProperties(@DefaultValue("50") int batchSize) {
}
