package io.backchannel.query.member;

import io.backchannel.api.team.MemberJoinedTeamEvent;
import io.backchannel.api.team.TeamCreatedEvent;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/**
 * For tests of other packages: {@link MemberProjection}'s constructor and handlers are package-private.
 * {@code teamSeq} is the team aggregate's event sequence number, which Axon passes as {@code @SequenceNumber}.
 */
public final class MemberTestSupport {

    private MemberTestSupport() {
    }

    public static MemberProjection memberProjection(ReactiveMongoTemplate mongo) {
        return new MemberProjection(mongo);
    }

    public static void apply(MemberProjection members, TeamCreatedEvent event, long teamSeq) {
        members.on(event, teamSeq);
    }

    public static void apply(MemberProjection members, MemberJoinedTeamEvent event, long teamSeq) {
        members.on(event, teamSeq);
    }
}
