package io.backchannel.command.account;

import io.backchannel.api.account.AccountCreatedEvent;
import io.backchannel.api.account.SignUpCommand;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static io.backchannel.api.Rejection.Kind.INVALID;
import static io.backchannel.command.Refusals.rejected;

class AccountTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00.250Z");

    private AggregateTestFixture<Account> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Account.class);
        fixture.givenCurrentTime(NOW);
    }

    @Test
    void signUpClaimsTheUsername() {
        fixture.givenNoPriorActivity()
                .when(new SignUpCommand("alice", "u-alice", "Alice Liddell"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new AccountCreatedEvent("alice", "u-alice", "Alice Liddell", NOW));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "0123456789012345678901234567890123456789", "a.b_c-d", "..."})
    void signUpAcceptsEveryUsernameTheContractAllows(String username) {
        fixture.givenNoPriorActivity()
                .when(new SignUpCommand(username, "u-1", "Someone"))
                .expectEvents(new AccountCreatedEvent(username, "u-1", "Someone", NOW));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"Alice", "ALICE", "al ice", "al/ice",
            "élodie", "alice\n"})
    void signUpRefusesAnInvalidUsername(String username) {
        fixture.givenNoPriorActivity()
                .when(new SignUpCommand(username, "u-1", "Someone"))
                .expectException(rejected(INVALID))
                .expectExceptionMessage("username must match ^[a-z0-9._-]{1,40}$")
                .expectNoEvents();
    }

    @Test
    void signUpRefusesAUsernameOf41Characters() {
        fixture.givenNoPriorActivity()
                .when(new SignUpCommand("a".repeat(41), "u-1", "Someone"))
                .expectException(rejected(INVALID))
                .expectNoEvents();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t\n"})
    void signUpRefusesABlankDisplayName(String displayName) {
        fixture.givenNoPriorActivity()
                .when(new SignUpCommand("alice", "u-alice", displayName))
                .expectException(rejected(INVALID))
                .expectNoEvents();
    }

    @Test
    void signUpRefusesADisplayNameOver100CodePoints() {
        fixture.givenNoPriorActivity()
                .when(new SignUpCommand("alice", "u-alice", "x".repeat(101)))
                .expectException(rejected(INVALID))
                .expectExceptionMessage("displayName must be 1-100 characters and not blank")
                .expectNoEvents();
    }

    @Test
    void signUpAcceptsADisplayNameOf100CodePointsEvenWhenTheyAreAstral() {
        String hundredEmoji = "\uD83D\uDE00".repeat(100); // 200 UTF-16 chars, 100 code points
        fixture.givenNoPriorActivity()
                .when(new SignUpCommand("alice", "u-alice", hundredEmoji))
                .expectEvents(new AccountCreatedEvent("alice", "u-alice", hundredEmoji, NOW));
    }
}
