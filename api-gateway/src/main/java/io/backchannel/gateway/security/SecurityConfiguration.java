package io.backchannel.gateway.security;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import io.backchannel.gateway.admin.AdminProperties;
import io.backchannel.gateway.error.Problems;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;

import reactor.core.publisher.Mono;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * Stateless bearer-token security: every {@code /api} call needs a valid HS256 token, except signup.
 * Browsers cannot put headers on {@code EventSource} or {@code WebSocket}, so a GET may carry the
 * token as {@code ?access_token=}. {@code /api/admin/**} needs the {@code admin} role besides: a token whose
 * {@code roles} claim holds {@code admin}, for a username still listed in {@code backchannel.admin.usernames}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({JwtProperties.class, AdminProperties.class})
public class SecurityConfiguration {

    private static final int MIN_SECRET_BYTES = 32;

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, Problems problems, AdminProperties admins) {
        ServerBearerTokenAuthenticationConverter bearer = new ServerBearerTokenAuthenticationConverter();
        bearer.setAllowUriQueryParameter(true);
        ServerAuthenticationEntryPoint unauthorized = (exchange, e) ->
                problems.write(exchange, Problems.of(HttpStatus.UNAUTHORIZED, "a valid bearer token is required"));
        ServerAccessDeniedHandler forbidden = (exchange, e) ->
                problems.write(exchange, Problems.of(HttpStatus.FORBIDDEN, "you may not do this"));
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(HttpMethod.POST, "/api/auth/signup").permitAll()
                        .pathMatchers("/api/admin/**").hasRole(Caller.ADMIN)
                        .pathMatchers("/api/**").authenticated()
                        .anyExchange().permitAll())
                .oauth2ResourceServer(oauth -> oauth
                        .bearerTokenConverter(bearer)
                        .authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler(forbidden)
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(token -> Mono.just(authentication(token, admins)))))
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler(forbidden))
                .build();
    }

    /**
     * No observations of the security filters, authentication or authorisation. Those of a request's path
     * through the filters would stay open for the whole life of every stream (a good part of an idle
     * WebSocket's memory); the other two cost a send about 2 % of the server's CPU samples on the send
     * benchmark. Nothing reads them: {@code http.server.requests} times every request, and refusals are
     * counted by status there.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * The token's user, with the admin role only when the token carries it and the username is still
     * listed: signing keys outlive configuration, so the list has the last word.
     */
    static AbstractAuthenticationToken authentication(Jwt jwt, AdminProperties admins) {
        List<String> roles = jwt.hasClaim(Caller.ROLES) ? jwt.getClaimAsStringList(Caller.ROLES) : List.of();
        boolean admin = roles != null && roles.contains(Caller.ADMIN)
                && admins.isAdmin(jwt.getClaimAsString(Caller.USERNAME));
        List<GrantedAuthority> authorities = admin
                ? List.of(new SimpleGrantedAuthority("ROLE_" + Caller.ADMIN))
                : List.of();
        return new JwtAuthenticationToken(jwt, authorities);
    }

    @Bean
    ReactiveJwtDecoder jwtDecoder(JwtProperties properties, Environment environment) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withSecretKey(signingKey(properties, environment))
                .macAlgorithm(MacAlgorithm.HS256)
                .build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(properties.issuer()));
        return new VerifiedTokens(decoder, Clock.systemUTC());
    }

    @Bean
    JwtEncoder jwtEncoder(JwtProperties properties, Environment environment) {
        return new NimbusJwtEncoder(new ImmutableSecret<>(signingKey(properties, environment)));
    }

    private static SecretKey signingKey(JwtProperties properties, Environment environment) {
        if (properties.isDevelopmentSecret() && environment.acceptsProfiles(Profiles.of("distributed"))) {
            throw new IllegalStateException("backchannel.jwt.secret is the development default; "
                    + "set BACKCHANNEL_JWT_SECRET to a secret of at least 32 bytes for the distributed profile");
        }
        byte[] secret = properties.secret().getBytes(StandardCharsets.UTF_8);
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("backchannel.jwt.secret must be at least 32 bytes");
        }
        return new SecretKeySpec(secret, "HmacSHA256");
    }
}
