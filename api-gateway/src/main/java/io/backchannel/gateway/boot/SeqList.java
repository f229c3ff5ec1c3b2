package io.backchannel.gateway.boot;

import java.util.Arrays;

/** An ascending list of seqs at 8 bytes each, counting "how many after S" by binary search. */
final class SeqList {

    private long[] seqs = new long[4];
    private int size;

    /** Appends {@code seq} if it is later than every seq held; a channel's log only grows. */
    void add(long seq) {
        if (size > 0 && seqs[size - 1] >= seq) {
            return;
        }
        if (size == seqs.length) {
            seqs = Arrays.copyOf(seqs, size * 2);
        }
        seqs[size++] = seq;
    }

    int countAfter(long seq) {
        int low = 0;
        int high = size;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (seqs[middle] <= seq) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return size - low;
    }
}
