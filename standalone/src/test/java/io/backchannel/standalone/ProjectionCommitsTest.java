package io.backchannel.standalone;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The projections' store commits after every batch once they have caught up, and once a second while they catch up. */
class ProjectionCommitsTest {

    private static final int BATCH = 50;

    private final AtomicLong now = new AtomicLong();
    private final ProjectionCommits commits = new ProjectionCommits(BATCH, Duration.ofSeconds(1), now::get);

    @Test
    void aBatchThatIsNotFullCommitsAtOnce() {
        assertThat(commits.commitAfter(1)).isTrue();
        assertThat(commits.commitAfter(BATCH - 1)).isTrue();
    }

    @Test
    void fullBatchesCommitOnlyOnceTheIntervalHasPassed() {
        assertThat(commits.commitAfter(BATCH)).isFalse();
        advance(Duration.ofMillis(999));
        assertThat(commits.commitAfter(BATCH)).isFalse();
        advance(Duration.ofMillis(1));
        assertThat(commits.commitAfter(BATCH)).isTrue();
        advance(Duration.ofMillis(500));
        assertThat(commits.commitAfter(BATCH)).isFalse();
    }

    @Test
    void theIntervalCountsFromTheLastCommitWhateverCausedIt() {
        advance(Duration.ofMillis(900));
        assertThat(commits.commitAfter(3)).isTrue();
        advance(Duration.ofMillis(900));
        assertThat(commits.commitAfter(BATCH)).isFalse();
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }
}
