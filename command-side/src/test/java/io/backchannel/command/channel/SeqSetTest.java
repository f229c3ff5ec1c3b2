package io.backchannel.command.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

class SeqSetTest {

    @Test
    void containsExactlyTheAddedSeqs() {
        SeqSet seqs = new SeqSet();
        seqs.add(2);
        seqs.add(5);
        seqs.add(1_000_000);

        assertThat(seqs.contains(2)).isTrue();
        assertThat(seqs.contains(5)).isTrue();
        assertThat(seqs.contains(1_000_000)).isTrue();
        assertThat(seqs.contains(0)).isFalse();
        assertThat(seqs.contains(3)).isFalse();
        assertThat(seqs.contains(999_999)).isFalse();
    }

    @Test
    void seqsOutsideTheIntRangeAreNeverContained() {
        SeqSet seqs = new SeqSet();
        seqs.add(0);

        assertThat(seqs.contains(-1)).isFalse();
        assertThat(seqs.contains(Long.MIN_VALUE)).isFalse();
        assertThat(seqs.contains((long) Integer.MAX_VALUE + 1)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("io.backchannel.command.channel.SnapshotMappers#mappers")
    void itSurvivesAJacksonRoundTrip(ObjectMapper mapper) throws Exception {
        SeqSet seqs = new SeqSet();
        seqs.add(2);
        seqs.add(64);
        seqs.add(70_000);

        SeqSet restored = mapper.readValue(mapper.writeValueAsString(seqs), SeqSet.class);

        assertThat(restored.words()).isEqualTo(seqs.words());
        assertThat(restored.contains(2)).isTrue();
        assertThat(restored.contains(64)).isTrue();
        assertThat(restored.contains(70_000)).isTrue();
        assertThat(restored.contains(3)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("io.backchannel.command.channel.SnapshotMappers#mappers")
    void anEmptySetSurvivesAJacksonRoundTrip(ObjectMapper mapper) throws Exception {
        SeqSet restored = mapper.readValue(mapper.writeValueAsString(new SeqSet()), SeqSet.class);

        assertThat(restored.contains(0)).isFalse();
        restored.add(1);
        assertThat(restored.contains(1)).isTrue();
    }
}
