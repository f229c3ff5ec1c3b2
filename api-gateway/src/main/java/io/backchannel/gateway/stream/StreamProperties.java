package io.backchannel.gateway.stream;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Tuning of live delivery.
 *
 * @param bufferSize      events buffered per (connection, channel) before the client is told to
 *                        {@code resync} and dropped from live delivery (default 1,024)
 * @param upstreamBuffer  updates Axon buffers for this node's one subscription per channel (default 8,192)
 * @param keepalive       interval of SSE keepalive comments (default 15 s; API.md asks for at most 20 s)
 * @param idleFeedGrace   how long a channel's upstream subscription outlives its last listener, so a
 *                        reconnecting client finds it open (default 30 s)
 * @param presenceGrace   how long a user whose last stream closed stays online, so that a client that
 *                        reconnects (a network blip, a gateway restart) is not told to every member of its
 *                        teams as gone and back (default 30 s)
 * @param readYourWrites  how long a membership or channel write waits for the projections to show it
 *                        before answering anyway (default 5 s)
 * @param catchUpPage     events per history read when a subscriber catches up (default 200)
 * @param sharedPages     full history pages this node keeps, so that subscribers catching up on the same
 *                        range (a reconnect storm) read it from the projections once (default 200 pages,
 *                        40,000 events at the default page size)
 */
@ConfigurationProperties("backchannel.stream")
public record StreamProperties(@DefaultValue("1024") int bufferSize,
                               @DefaultValue("8192") int upstreamBuffer,
                               @DefaultValue("15s") Duration keepalive,
                               @DefaultValue("30s") Duration idleFeedGrace,
                               @DefaultValue("30s") Duration presenceGrace,
                               @DefaultValue("5s") Duration readYourWrites,
                               @DefaultValue("200") int catchUpPage,
                               @DefaultValue("200") int sharedPages) {
}
