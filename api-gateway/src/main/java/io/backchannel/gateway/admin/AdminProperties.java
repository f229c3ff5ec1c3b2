package io.backchannel.gateway.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;

/**
 * Who may call the operator endpoints ({@code /api/admin/**}).
 *
 * @param usernames the usernames whose signup token carries the {@code admin} role (default: none). The role
 *                  is honoured only while the username is still listed, so removing a name (and restarting
 *                  the gateways) revokes it at once, whatever tokens were handed out
 */
@ConfigurationProperties("backchannel.admin")
public record AdminProperties(@DefaultValue List<String> usernames) {

    public AdminProperties {
        usernames = usernames == null ? List.of() : List.copyOf(usernames);
    }

    public boolean isAdmin(String username) {
        return username != null && usernames.contains(username);
    }
}
