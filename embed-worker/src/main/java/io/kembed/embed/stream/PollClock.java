package io.kembed.embed.stream;

import java.util.concurrent.atomic.AtomicLong;

/**
 * When each Kafka Streams thread's main consumer last returned from {@code poll}, so that a flush can tell how much
 * of the {@code max.poll.interval.ms} allowance its thread has already used (several tasks share a thread, and
 * Streams polls only between its processing loops). Fed by {@link PollTrackingClientSupplier}'s consumers; the
 * time is per thread because a stream thread's tasks and its consumer run on that one thread.
 *
 * <p>Also keeps the longest gap between two polls of any thread since the start (ns), which must stay below
 * {@code max.poll.interval.ms}: past it the consumer leaves the group and its partitions are processed again
 * elsewhere.
 */
public final class PollClock {

    /** {@link System#nanoTime()} of this thread's last poll; absent on threads whose consumer never polled. */
    private static final ThreadLocal<long[]> LAST_POLL = new ThreadLocal<>();

    private final AtomicLong maxGapNanos = new AtomicLong();

    /** Records a poll by the calling thread's consumer (called right after {@code poll} returns). */
    void polled() {
        long now = System.nanoTime();
        long[] last = LAST_POLL.get();
        if (last == null) {
            LAST_POLL.set(new long[] {now});
            return;
        }
        long gap = now - last[0];
        maxGapNanos.accumulateAndGet(gap, Math::max);
        last[0] = now;
    }

    /**
     * @param fallback what to return when the calling thread never polled (a {@code TopologyTestDriver})
     * @return {@link System#nanoTime()} of the calling thread's last poll, or {@code fallback}
     */
    static long lastPollNanos(long fallback) {
        long[] last = LAST_POLL.get();
        return last == null ? fallback : last[0];
    }

    /**
     * @return the longest time between two consecutive polls of one consumer fed by this clock, in nanoseconds,
     *     measured from the return of one poll to the return of the next (so it includes the poll's own wait)
     */
    public long maxGapNanos() {
        return maxGapNanos.get();
    }
}
