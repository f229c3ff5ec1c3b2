package io.backchannel.gateway.security;

import com.fasterxml.jackson.databind.DeserializationFeature;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One JSON value per body or frame, nothing after it. Jackson stops reading at the end of the first value by
 * default, so {@code {"clientMsgId":"a","text":"x"} anything} was accepted as a send, and two concatenated
 * objects as the first of them: a body that a proxy or a firewall in front would read differently from the
 * gateway. With this, such a body is malformed JSON (400), and such a WebSocket frame a {@code bad_frame}.
 * (Strict types and the nesting limit are set in {@code GatewayConfiguration}.)
 */
@Configuration(proxyBeanMethods = false)
class JsonHardening {

    @Bean
    Jackson2ObjectMapperBuilderCustomizer noTrailingTokens() {
        return builder -> builder.featuresToEnable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }
}
