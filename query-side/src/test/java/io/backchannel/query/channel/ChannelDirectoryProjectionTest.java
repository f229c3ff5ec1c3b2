package io.backchannel.query.channel;

import io.backchannel.api.channel.ChannelAccess;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.ChannelView;
import io.backchannel.api.channel.FetchChannelAccessQuery;
import io.backchannel.api.channel.FollowChannelQuery;
import io.backchannel.query.MongoFixture;
import io.backchannel.query.member.MemberProjection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static io.backchannel.query.Projections.pairId;
import static io.backchannel.query.TestEvents.channelCreated;
import static io.backchannel.query.TestEvents.joined;
import static io.backchannel.query.TestEvents.left;
import static io.backchannel.query.TestEvents.posted;
import static io.backchannel.query.TestEvents.privateChannelCreated;
import static io.backchannel.query.TestEvents.teamCreated;
import static io.backchannel.query.TestEvents.teamJoined;
import static io.backchannel.query.member.MemberTestSupport.apply;
import static io.backchannel.query.member.MemberTestSupport.memberProjection;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

class ChannelDirectoryProjectionTest {

    @RegisterExtension
    static final MongoFixture mongo = new MongoFixture();

    private static final String C = "c1";
    private static final String TEAM = "t1";

    private MemberProjection members;
    private ChannelDirectoryProjection directory;

    @BeforeEach
    void setUp() {
        members = memberProjection(mongo.template());
        directory = new ChannelDirectoryProjection(mongo.template(), members);
    }

    private void deliver(ChannelEvent... events) {
        for (ChannelEvent event : events) {
            ChannelTestSupport.apply(directory, event);
        }
    }

    private ChannelView view(String channelId) {
        return directory.channel(channelId).block(MongoFixture.TIMEOUT);
    }

    private ChannelView general(long memberCount, long lastSeq) {
        return new ChannelView(C, TEAM, "general-" + C, false, memberCount, lastSeq);
    }

    private ChannelAccess access(String channelId, String userId) throws Exception {
        return directory.handle(new FetchChannelAccessQuery(channelId, userId)).get(5, SECONDS);
    }

    private long follow(String channelId) throws Exception {
        return directory.handle(new FollowChannelQuery(channelId)).get(5, SECONDS);
    }

    private boolean isChannelMember(String userId) {
        return mongo.findById(ChannelDirectoryProjection.CHANNEL_MEMBERS, pairId(C, userId)) != null;
    }

    @Test
    void aCreatedChannelHasItsCreatorAsOnlyMemberAndLastSeqZero() {
        deliver(channelCreated(C, TEAM, "u1"));

        assertThat(view(C)).isEqualTo(general(1, 0));
        assertThat(isChannelMember("u1")).isTrue();
    }

    @Test
    void aPrivateChannelIsShownAsPrivate() {
        deliver(privateChannelCreated("p1", TEAM, "u1"));

        assertThat(view("p1")).isEqualTo(new ChannelView("p1", TEAM, "secret-p1", true, 1, 0));
    }

    @Test
    void joinsAndLeavesMoveTheMemberCountAndLastSeq() {
        deliver(channelCreated(C, TEAM, "u1"));

        deliver(joined(C, 1, "u2"));
        assertThat(view(C)).isEqualTo(general(2, 1));
        deliver(joined(C, 2, "u3"));
        assertThat(view(C)).isEqualTo(general(3, 2));
        deliver(left(C, 3, "u2"));
        assertThat(view(C)).isEqualTo(general(2, 3));
        deliver(left(C, 4, "u1"));
        assertThat(view(C)).isEqualTo(general(1, 4));

        assertThat(isChannelMember("u1")).isFalse();
        assertThat(isChannelMember("u2")).isFalse();
        assertThat(isChannelMember("u3")).isTrue();
    }

    @Test
    void aMessageAdvancesLastSeqButNotTheMemberCount() {
        deliver(channelCreated(C, TEAM, "u1"), joined(C, 1, "u2"));

        deliver(posted(C, 2, "u2"));
        assertThat(view(C)).isEqualTo(general(2, 2));
        deliver(posted(C, 3, "u1"));
        assertThat(view(C)).isEqualTo(general(2, 3));
    }

    @Test
    void everyEventDeliveredTwiceCountsOnce() {
        List<ChannelEvent> events = List.of(channelCreated(C, TEAM, "u1"), joined(C, 1, "u2"), joined(C, 2, "u3"),
                posted(C, 3, "u2"), left(C, 4, "u3"), posted(C, 5, "u1"));
        for (ChannelEvent event : events) {
            deliver(event, event);
        }

        assertThat(view(C)).isEqualTo(general(2, 5));
        assertThat(mongo.count(ChannelDirectoryProjection.CHANNELS)).isEqualTo(1);
        assertThat(isChannelMember("u2")).isTrue();
        assertThat(isChannelMember("u3")).isFalse();
    }

    @Test
    void aReplayedBatchChangesNothing() {
        List<ChannelEvent> batch = List.of(channelCreated(C, TEAM, "u1"), joined(C, 1, "u2"), joined(C, 2, "u3"),
                left(C, 3, "u2"), posted(C, 4, "u3"));
        batch.forEach(this::deliver);
        ChannelView once = view(C);

        batch.forEach(this::deliver);      // a tracking processor replays the batch after a failure

        assertThat(once).isEqualTo(general(2, 4));
        assertThat(view(C)).isEqualTo(once);
        assertThat(mongo.count(ChannelDirectoryProjection.CHANNEL_MEMBERS)).isEqualTo(2);
        assertThat(isChannelMember("u2")).isFalse();
    }

    @Test
    void anOlderEventArrivingLateMovesNothingBack() {
        deliver(channelCreated(C, TEAM, "u1"), joined(C, 1, "u2"), posted(C, 2, "u2"), joined(C, 3, "u3"),
                posted(C, 4, "u3"), posted(C, 5, "u1"));
        assertThat(view(C)).isEqualTo(general(3, 5));

        deliver(posted(C, 2, "u2"));
        assertThat(view(C)).isEqualTo(general(3, 5));
        deliver(joined(C, 3, "u3"));
        assertThat(view(C)).isEqualTo(general(3, 5));
        deliver(channelCreated(C, TEAM, "u1"));
        assertThat(view(C)).isEqualTo(general(3, 5));
    }

    @Test
    void accessToAnUnknownChannelHasNoChannel() throws Exception {
        apply(members, teamCreated(TEAM, "u1"), 0);
        apply(members, teamJoined(TEAM, "u1"), 1);

        assertThat(access("nope", "u1")).isEqualTo(new ChannelAccess(null, false, false));
    }

    @Test
    void accessTellsTeamAndChannelMembershipApart() throws Exception {
        apply(members, teamCreated(TEAM, "u1"), 0);
        apply(members, teamJoined(TEAM, "u1"), 1);
        apply(members, teamJoined(TEAM, "u2"), 2);
        apply(members, teamCreated("t2", "u4"), 0);
        apply(members, teamJoined("t2", "u4"), 1);
        deliver(channelCreated(C, TEAM, "u1"));

        assertThat(access(C, "u1")).isEqualTo(new ChannelAccess(general(1, 0), true, true));
        assertThat(access(C, "u2")).isEqualTo(new ChannelAccess(general(1, 0), true, false));
        assertThat(access(C, "u3")).isEqualTo(new ChannelAccess(general(1, 0), false, false));
        assertThat(access(C, "u4")).as("a member of another team").isEqualTo(
                new ChannelAccess(general(1, 0), false, false));

        deliver(joined(C, 1, "u2"));
        assertThat(access(C, "u2")).isEqualTo(new ChannelAccess(general(2, 1), true, true));
        deliver(left(C, 2, "u2"));
        assertThat(access(C, "u2")).isEqualTo(new ChannelAccess(general(1, 2), true, false));
    }

    @Test
    void followingAChannelStartsFromItsLastSeq() throws Exception {
        assertThat(follow(C)).isEqualTo(-1L);

        deliver(channelCreated(C, TEAM, "u1"));
        assertThat(follow(C)).isZero();

        deliver(joined(C, 1, "u2"), posted(C, 2, "u2"));
        assertThat(follow(C)).isEqualTo(2L);
        assertThat(follow("c10")).isEqualTo(-1L);
    }
}
