package io.backchannel.command.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tuning of the command side.
 *
 * @param aggregateCacheSize how many aggregates stay in memory, so a command on a hot channel never
 *                           replays its history (default 1,000; each cached channel holds at most its
 *                           dedup memory of ~3 MB, usually far less)
 * @param snapshotThreshold  events after which a channel is snapshotted, bounding the replay on a cache miss (default 500)
 */
@ConfigurationProperties("backchannel.command")
public record CommandSideProperties(@DefaultValue("1000") int aggregateCacheSize,
                                    @DefaultValue("500") int snapshotThreshold) {
}
