package io.backchannel.gateway.sse;

import io.backchannel.gateway.boot.BootCache.Membership;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A team stream follows each channel once, and again after a leave only from a join that came after it. */
class FollowedChannelsTest {

    private final FollowedChannels followed = new FollowedChannels();

    @Test
    void aChannelIsFollowedOnceHoweverOftenItsMembershipIsAnnounced() {
        assertThat(followed.start(new Membership("C1", 7, false))).isTrue();
        assertThat(followed.start(new Membership("C1", 5, true))).isFalse(); // the join the snapshot already had
        assertThat(followed.start(new Membership("C1", 7, false))).isFalse();

        // The caller leaves at 9: the join at 5 is older than the leave, so nothing starts again.
        assertThat(followed.ended("C1", 9)).isNull();
        assertThat(followed.start(new Membership("C1", 12, true))).isTrue();
    }

    @Test
    void aJoinAnnouncedBeforeTheLeaveWasDeliveredStartsTheChannelAgainOnceTheFollowEnds() {
        assertThat(followed.start(new Membership("C1", 3, false))).isTrue();
        // Left at 4 and joined again at 6, announced while the stream has not yet delivered the leave.
        assertThat(followed.start(new Membership("C1", 6, true))).isFalse();

        assertThat(followed.ended("C1", 4)).isEqualTo(new Membership("C1", 6, true));
        assertThat(followed.start(new Membership("C1", 6, true))).as("still followed, from the join").isFalse();
        assertThat(followed.ended("C1", 8)).isNull();
    }

    @Test
    void channelsAreIndependent() {
        assertThat(followed.start(new Membership("C1", 0, true))).isTrue();
        assertThat(followed.start(new Membership("C2", 0, true))).isTrue();
        assertThat(followed.start(new Membership("C1", 2, true))).isFalse();

        assertThat(followed.ended("C2", 1)).isNull();
        assertThat(followed.ended("C1", 1)).isEqualTo(new Membership("C1", 2, true));
    }
}
