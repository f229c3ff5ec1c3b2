package io.backchannel.gateway.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketsTest {

    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final TokenBuckets buckets = new TokenBuckets(10, 20, now::get);

    @Test
    void aFullBucketServesItsBurstThenOneTokenPerInterval() {
        for (int i = 0; i < 20; i++) {
            assertThat(buckets.tryTake("alice")).as("token %d of the burst", i).isZero();
        }
        assertThat(buckets.tryTake("alice")).isEqualTo(100 * MS);
        now.addAndGet(40 * MS);
        assertThat(buckets.tryTake("alice")).isEqualTo(60 * MS);
        now.addAndGet(60 * MS);
        assertThat(buckets.tryTake("alice")).isZero();
        assertThat(buckets.tryTake("alice")).isEqualTo(100 * MS);
    }

    @Test
    void refusedAttemptsCostNothing() {
        for (int i = 0; i < 20; i++) {
            buckets.tryTake("alice");
        }
        for (int i = 0; i < 1_000; i++) {
            assertThat(buckets.tryTake("alice")).isPositive();
        }
        now.addAndGet(100 * MS);
        assertThat(buckets.tryTake("alice")).isZero();
    }

    @Test
    void aBucketNeverHoldsMoreThanItsBurst() {
        buckets.tryTake("alice");
        now.addAndGet(3_600_000 * MS);
        int served = 0;
        while (buckets.tryTake("alice") == 0) {
            served++;
        }
        assertThat(served).isEqualTo(20);
    }

    @Test
    void eachKeyHasItsOwnBucket() {
        for (int i = 0; i < 20; i++) {
            buckets.tryTake("alice");
        }
        assertThat(buckets.tryTake("alice")).isPositive();
        assertThat(buckets.tryTake("bob")).isZero();
    }

    @Test
    void sweepingDropsOnlyBucketsThatHaveRefilledCompletely() {
        buckets.tryTake("alice");
        for (int i = 0; i < 20; i++) {
            buckets.tryTake("bob");
        }
        assertThat(buckets.size()).isEqualTo(2);
        now.addAndGet(50 * MS);
        assertThat(buckets.sweep()).isEqualTo(2);
        now.addAndGet(50 * MS);
        assertThat(buckets.sweep()).as("alice's bucket is full again, bob's is not").isEqualTo(1);
        now.addAndGet(1_900 * MS);
        assertThat(buckets.sweep()).isZero();
        // A dropped bucket is the same as a full one.
        for (int i = 0; i < 20; i++) {
            assertThat(buckets.tryTake("bob")).isZero();
        }
        assertThat(buckets.tryTake("bob")).isPositive();
    }

    @Test
    void memoryHoldsOnlyRecentlyActiveUsers() {
        for (int user = 0; user < 100_000; user++) {
            buckets.tryTake("user-" + user);
        }
        assertThat(buckets.size()).isEqualTo(100_000);
        now.addAndGet(100 * MS);
        assertThat(buckets.sweep()).isZero();
    }

    @Test
    void concurrentRequestsOfOneUserNeverGetMoreThanTheBurst() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> served = new ArrayList<>();
        for (int thread = 0; thread < 8; thread++) {
            served.add(pool.submit(() -> {
                start.await();
                int mine = 0;
                for (int i = 0; i < 1_000; i++) {
                    if (buckets.tryTake("alice") == 0) {
                        mine++;
                    }
                }
                return mine;
            }));
        }
        start.countDown();
        int total = 0;
        for (Future<Integer> future : served) {
            total += future.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(total).isEqualTo(20);
    }
}
