package io.backchannel.api.account;

import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
public record AccountCreatedEvent(String username, String userId, String displayName, Instant ts) {
}
