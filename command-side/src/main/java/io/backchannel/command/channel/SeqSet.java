package io.backchannel.command.channel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.BitSet;

/** A set of seqs at one bit each (125 KB per million events), so the channel can check thread parents cheaply. */
final class SeqSet {

    private final BitSet bits;

    SeqSet() {
        this.bits = new BitSet();
    }

    @JsonCreator
    SeqSet(long[] words) {
        this.bits = BitSet.valueOf(words);
    }

    @JsonValue
    long[] words() {
        return bits.toLongArray();
    }

    void add(long seq) {
        bits.set(Math.toIntExact(seq));
    }

    boolean contains(long seq) {
        return seq >= 0 && seq <= Integer.MAX_VALUE && bits.get((int) seq);
    }
}
