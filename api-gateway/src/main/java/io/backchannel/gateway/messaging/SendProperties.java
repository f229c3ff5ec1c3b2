package io.backchannel.gateway.messaging;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Sending messages.
 *
 * @param timeout how long a send waits for its store to confirm it before the client is told to retry
 *                (default 10 s, against an acknowledgement p99 under 1 s at full load on two cores)
 */
@ConfigurationProperties("backchannel.send")
public record SendProperties(@DefaultValue("10s") Duration timeout) {
}
