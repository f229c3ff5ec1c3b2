package io.backchannel.query.member;

import io.backchannel.api.account.AccountCreatedEvent;
import io.backchannel.api.team.MemberJoinedTeamEvent;
import io.backchannel.api.team.TeamCreatedEvent;
import io.backchannel.query.Projections;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;

import static io.backchannel.query.Projections.pairId;

/**
 * Users, teams and who belongs to which team. Owns the {@code users}, {@code teams} and
 * {@code team_members} collections. Every write is an upsert by key or guarded by the team's event
 * sequence number, so a redelivered event changes nothing.
 */
@Component
@ProcessingGroup(Projections.GROUP)
public class MemberProjection {

    static final String USERS = "users";
    static final String TEAMS = "teams";
    static final String TEAM_MEMBERS = "team_members";
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final ReactiveMongoTemplate mongo;

    MemberProjection(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    @EventHandler
    void on(AccountCreatedEvent event) {
        mongo.save(new Document("_id", event.userId()).append("username", event.username())
                .append("displayName", event.displayName()), USERS).block(WRITE_TIMEOUT);
    }

    @EventHandler
    void on(TeamCreatedEvent event, @SequenceNumber long seq) {
        Update insert = new Update().setOnInsert("name", event.name()).setOnInsert("memberCount", 0L)
                .setOnInsert("appliedSeq", seq);
        mongo.upsert(Query.query(Criteria.where("_id").is(event.teamId())), insert, TEAMS).block(WRITE_TIMEOUT);
    }

    @EventHandler
    void on(MemberJoinedTeamEvent event, @SequenceNumber long seq) {
        mongo.save(new Document("_id", pairId(event.teamId(), event.userId())).append("teamId", event.teamId())
                .append("userId", event.userId()).append("ts", event.ts().toString()), TEAM_MEMBERS)
                .block(WRITE_TIMEOUT);
        mongo.updateFirst(Query.query(Criteria.where("_id").is(event.teamId()).and("appliedSeq").lt(seq)),
                new Update().set("appliedSeq", seq).inc("memberCount", 1L), TEAMS).block(WRITE_TIMEOUT);
    }

    public Mono<Boolean> isTeamMember(String teamId, String userId) {
        return mongo.exists(Query.query(Criteria.where("_id").is(pairId(teamId, userId))), TEAM_MEMBERS);
    }
}
