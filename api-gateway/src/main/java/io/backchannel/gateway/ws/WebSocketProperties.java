package io.backchannel.gateway.ws;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;

/**
 * The WebSocket endpoint.
 *
 * @param allowedOrigins origin patterns allowed to open {@code /api/ws} from a browser, besides the
 *                       server's own origin (default {@code http://localhost:*}); requests without an
 *                       {@code Origin} (non-browser clients) are always allowed
 * @param maxFrameBytes  the largest frame handled (default 64 KiB, as for a request body); a larger
 *                       one is answered with an error frame and the connection stays open
 * @param hardFrameBytes the largest frame read at all (default 1 MiB); a larger one closes the
 *                       connection (Reactor Netty closes with 1002), so no client can make the server buffer more
 */
@ConfigurationProperties("backchannel.ws")
public record WebSocketProperties(@DefaultValue("http://localhost:*") List<String> allowedOrigins,
                                  @DefaultValue("65536") int maxFrameBytes,
                                  @DefaultValue("1048576") int hardFrameBytes) {
}
