package io.backchannel.bench;

import java.util.BitSet;

/**
 * What one subscriber was given, by seq: it expects every seq after {@code base} exactly once, in
 * ascending order. Counts duplicates (a seq given twice, or one at or below {@code base}),
 * out-of-order deliveries (a new seq below one already given) and, against a final seq, the lost ones.
 */
final class SeqTracker {

    private final long base;
    private final BitSet seen = new BitSet();
    private long highest;
    private long last;
    private long received;
    private long duplicates;
    private long outOfOrder;
    private long jumps;

    SeqTracker(long base) {
        this.base = base;
        this.highest = base;
        this.last = base;
    }

    /** Records one delivery; returns false if it was a duplicate. */
    synchronized boolean onEvent(long seq) {
        received++;
        last = seq;
        if (seq <= base) {
            duplicates++;
            return false;
        }
        int index = Math.toIntExact(seq - base - 1);
        if (seen.get(index)) {
            duplicates++;
            return false;
        }
        seen.set(index);
        if (seq < highest) {
            outOfOrder++;
        } else {
            if (seq > highest + 1) {
                jumps++;
            }
            highest = seq;
        }
        return true;
    }

    /** The seq to resume after (Last-Event-ID): the last one given, as a browser's EventSource does. */
    synchronized long resumeFrom() {
        return last;
    }

    synchronized long highest() {
        return highest;
    }

    /** True once every seq up to {@code until} has been given. */
    synchronized boolean complete(long until) {
        return until <= base || seen.nextClearBit(0) >= until - base;
    }

    /** Seqs in (base, until] never given (gaps plus pending). */
    synchronized long lost(long until) {
        if (until <= base) {
            return 0;
        }
        int span = Math.toIntExact(until - base);
        return span - seen.get(0, span).cardinality();
    }

    /** Seqs in (base, min(until, highest)] never given: holes below what was given, a real gap. */
    synchronized long gaps(long until) {
        long top = Math.min(until, highest);
        return lost(top);
    }

    /** Seqs above the highest given, up to {@code until}: not (yet) delivered, rather than skipped. */
    synchronized long pending(long until) {
        return Math.max(0, until - Math.max(highest, base));
    }

    synchronized long received() {
        return received;
    }

    synchronized long duplicates() {
        return duplicates;
    }

    synchronized long outOfOrder() {
        return outOfOrder;
    }

    /** Times a seq arrived more than one past the highest so far (a gap, perhaps filled later). */
    synchronized long jumps() {
        return jumps;
    }

    long base() {
        return base;
    }
}
