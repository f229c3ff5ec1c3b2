package io.backchannel.standalone.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.api.account.AccountCreatedEvent;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import io.backchannel.api.team.MemberJoinedTeamEvent;
import io.backchannel.standalone.Api;
import io.backchannel.standalone.Api.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Event evolution against the real store: events stored in an old revision (written straight into the
 * embedded event store's table, as an older version of the application wrote them) are read as the current
 * revision, by the aggregates (their commands decide by them) and by the projections (reads show them).
 * <ul>
 *     <li>{@code member.joined} revision 0 named the member {@code memberId} and had no {@code ts};</li>
 *     <li>{@code AccountCreatedEvent} revision 0 had neither {@code displayName} nor {@code ts}.</li>
 * </ul>
 * The upcasters themselves are unit-tested in shared-events ({@code EventEvolutionTest}).
 */
class EventEvolutionEndToEndTest {

    private static final Instant STORED_AT = Instant.parse("2024-01-15T10:00:00.123Z");

    @Test
    void eventsStoredInAnOldRevisionAreReadAsTheCurrentOneByAggregatesAndProjections(@TempDir Path data)
            throws SQLException {
        User alice;
        User bob;
        String team;
        String channel;
        try (InProcessServer server = InProcessServer.start(data)) {
            Api api = new Api(server.baseUrl());
            alice = api.signUp("alice");
            bob = api.signUp("bob");
            team = api.createTeam(alice);
            api.joinTeam(bob, team);
            channel = api.createChannel(alice, team, "legacy", false);
            api.send(alice, channel, "a-1", "before the old events").block().expect(201);
            // Bob is in the team but not in the channel: only members may post.
            api.send(bob, channel, "b-0", "not yet").block().expect(403);
        }

        String legacyUser = "U-legacy-" + UUID.randomUUID().toString().substring(0, 8);
        String legacyName = Api.unique("grace");
        long joinSeq;
        try (Connection store = DriverManager.getConnection(
                "jdbc:h2:file:" + data.resolve("events") + ";WRITE_DELAY=0", "sa", "")) {
            joinSeq = nextSequence(store, channel);
            append(store, channel, joinSeq, MemberJoinedChannelEvent.class.getName(), "0",
                    "{\"type\":\"member.joined\",\"channelId\":\"" + channel + "\",\"seq\":" + joinSeq
                            + ",\"memberId\":\"" + bob.userId() + "\"}");
            append(store, legacyName, 0, AccountCreatedEvent.class.getName(), "0",
                    "{\"username\":\"" + legacyName + "\",\"userId\":\"" + legacyUser + "\"}");
            append(store, team, nextSequence(store, team), MemberJoinedTeamEvent.class.getName(), "1",
                    "{\"teamId\":\"" + team + "\",\"userId\":\"" + legacyUser + "\",\"ts\":\"" + STORED_AT + "\"}");
        }

        try (InProcessServer server = InProcessServer.start(data)) {
            Api api = new Api(server.baseUrl());

            // The projections read the old member.joined as the current one: userId, and ts from the envelope.
            await().atMost(Duration.ofSeconds(60)).until(() -> api.events(alice, channel).size() > joinSeq);
            JsonNode joined = api.events(alice, channel).get((int) joinSeq);
            assertThat(joined.path("type").asText()).isEqualTo("member.joined");
            assertThat(joined.path("userId").asText()).isEqualTo(bob.userId());
            assertThat(Instant.parse(joined.path("ts").asText())).isEqualTo(STORED_AT);
            assertThat(joined.has("memberId")).isFalse();

            // The Channel aggregate read it too: bob is a member now, so his send is accepted, at the next seq.
            long posted = api.send(bob, channel, "b-1", "joined long ago").block().expect(201).number("seq");
            assertThat(posted).isEqualTo(joinSeq + 1);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode boot = api.get("/api/teams/" + team + "/boot", bob).expect(200).body();
                assertThat(boot.path("channels").findValues("channelId")).extracting(JsonNode::asText).contains(channel);
                boot.path("channels").forEach(entry -> {
                    if (entry.path("channelId").asText().equals(channel)) {
                        assertThat(entry.path("isMember").asBoolean()).isTrue();
                        assertThat(entry.path("lastReadSeq").asLong()).isEqualTo(joinSeq);
                    }
                });
            });

            // The Account aggregate read the old account: the name is taken.
            api.post("/api/auth/signup", null, Map.of("username", legacyName, "displayName", "Impostor")).expect(409);
            // The member projection read it: shown under its username, as revision 0 accounts were.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode members = api.get("/api/teams/" + team + "/members?limit=200", alice).expect(200).body()
                        .path("members");
                assertThat(members).anySatisfy(member -> {
                    assertThat(member.path("userId").asText()).isEqualTo(legacyUser);
                    assertThat(member.path("username").asText()).isEqualTo(legacyName);
                    assertThat(member.path("displayName").asText()).isEqualTo(legacyName);
                });
            });
        }
    }

    private static long nextSequence(Connection store, String aggregateId) throws SQLException {
        try (PreparedStatement query = store.prepareStatement(
                "SELECT MAX(sequenceNumber) FROM DomainEventEntry WHERE aggregateIdentifier = ?")) {
            query.setString(1, aggregateId);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                long max = result.getLong(1);
                return result.wasNull() ? 0 : max + 1;
            }
        }
    }

    /** One row as Axon's JDBC storage engine writes it, with the aggregate type taken from the stream's other rows. */
    private static void append(Connection store, String aggregateId, long sequence, String payloadType, String revision,
                               String payload) throws SQLException {
        String type = aggregateType(store, aggregateId, payloadType);
        try (PreparedStatement insert = store.prepareStatement("INSERT INTO DomainEventEntry (aggregateIdentifier, "
                + "sequenceNumber, type, eventIdentifier, metaData, payload, payloadRevision, payloadType, timeStamp) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, aggregateId);
            insert.setLong(2, sequence);
            insert.setString(3, type);
            insert.setString(4, UUID.randomUUID().toString());
            insert.setBytes(5, "{}".getBytes(StandardCharsets.UTF_8));
            insert.setBytes(6, payload.getBytes(StandardCharsets.UTF_8));
            insert.setString(7, revision);
            insert.setString(8, payloadType);
            insert.setString(9, STORED_AT.toString());
            insert.executeUpdate();
        }
    }

    private static String aggregateType(Connection store, String aggregateId, String payloadType) throws SQLException {
        try (PreparedStatement query = store.prepareStatement(
                "SELECT type FROM DomainEventEntry WHERE aggregateIdentifier = ? LIMIT 1")) {
            query.setString(1, aggregateId);
            try (ResultSet result = query.executeQuery()) {
                if (result.next()) {
                    return result.getString(1);
                }
            }
        }
        // A new stream: the type of the other streams written for the same kind of aggregate.
        List<String> kinds = List.of(AccountCreatedEvent.class.getName());
        assertThat(kinds).contains(payloadType);
        try (PreparedStatement query = store.prepareStatement(
                "SELECT type FROM DomainEventEntry WHERE payloadType = ? LIMIT 1")) {
            query.setString(1, payloadType);
            try (ResultSet result = query.executeQuery()) {
                assertThat(result.next()).as("an account stream to copy the aggregate type from").isTrue();
                return result.getString(1);
            }
        }
    }
}
