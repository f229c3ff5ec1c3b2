package io.backchannel.standalone;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;
import reactor.blockhound.BlockHound;

/**
 * Installs BlockHound before any test runs, so every request the end-to-end tests make is served
 * under it: a blocking call on a Netty event loop or a Reactor non-blocking thread fails the request
 * (and so the test) instead of silently stalling every connection on that loop.
 */
public class BlockHoundInstaller implements TestExecutionListener {

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        BlockHound.install(builder -> builder
                // Reads /dev/urandom, which never blocks once the kernel is seeded; Axon calls it for every message id.
                .allowBlockingCallsInside("java.util.UUID", "randomUUID")
                // Jackson locks while it builds a type's deserializer, once per type; two first requests may meet there.
                .allowBlockingCallsInside("com.fasterxml.jackson.databind.deser.DeserializerCache",
                        "_createAndCacheValueDeserializer")
                // Cancelling a timer (an SSE keepalive, a timeout) takes the JDK scheduler's queue lock for a
                // moment. Refusing it mid-acquire would corrupt that lock and wedge the scheduler.
                .allowBlockingCallsInside("java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask",
                        "cancel")
                // Scheduling one takes the same lock, and a refusal there would wedge the worker's timers the same
                // way: the likely cause of a test's send that once hung five minutes with no timeout firing.
                .allowBlockingCallsInside("java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue", "offer")
                // The MongoDB driver runs its reactive client on Netty and guards its pool and streams with
                // short internal locks there. Refusing them would fail the driver mid-lock and wedge its pool.
                .allowBlockingCallsInside("com.mongodb.internal.Locks", "checkedWithLock")
                .allowBlockingCallsInside("com.mongodb.internal.Locks", "withInterruptibleLock")
                .allowBlockingCallsInside("com.mongodb.internal.Locks", "checkedWithInterruptibleLock"));
    }
}
