package io.backchannel.gateway.security;

import io.backchannel.gateway.error.Problems;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.security.reactive.ReactiveSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's security configuration refuses to start under the {@code distributed} profile with the
 * development JWT secret, and with a secret shorter than HS256 needs; a real secret starts.
 */
class DevelopmentSecretRefusedTest {

    private final ReactiveWebApplicationContextRunner gateway = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReactiveSecurityAutoConfiguration.class, JacksonAutoConfiguration.class))
            .withUserConfiguration(SecurityConfiguration.class, Problems.class);

    @Test
    void theDistributedProfileRefusesTheDevelopmentSecret() {
        gateway.withPropertyValues("spring.profiles.active=distributed").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("development default").hasMessageContaining("BACKCHANNEL_JWT_SECRET");
        });
    }

    @Test
    void theDistributedProfileStartsWithARealSecret() {
        gateway.withPropertyValues("spring.profiles.active=distributed",
                        "backchannel.jwt.secret=a-real-secret-of-at-least-thirty-two-bytes-0123456789")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(ReactiveJwtDecoder.class);
                });
    }

    @Test
    void aShortSecretIsRefusedEverywhere() {
        gateway.withPropertyValues("backchannel.jwt.secret=too-short").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("at least 32 bytes");
        });
    }

    @Test
    void theDevelopmentSecretStillStartsTheEmbeddedDefault() {
        gateway.run(context -> assertThat(context).hasNotFailed());
    }
}
