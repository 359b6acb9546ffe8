package io.kembed.embed;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Gives interactive inference (query embedding) priority over bulk inference (the Kafka Streams ingestion path)
 * when both share one process, one model and the same cores.
 *
 * <p>Interactive work holds a {@link #interactive()} permit from the moment its requests are handed over until
 * their replies are built. Bulk work runs every ONNX batch through {@link #bulkLane()}:
 * <ol>
 *   <li>a bulk run <em>starts</em> only while no interactive permit is held: it waits while interactive work is
 *       queued or running, at most {@code maxBulkWait} per run (so a steady stream of queries cannot starve the
 *       stream threads past {@code max.poll.interval.ms} or the transaction timeout);</li>
 *   <li>bulk runs <em>in progress</em> when an interactive permit is taken are stopped: ONNX Runtime's terminate
 *       flag is set on their {@code RunOptions}, they end at the next graph-node boundary, and each is re-run
 *       later from the same inputs (same result; the partial work is lost). A batch is stopped at most
 *       {@code maxPreemptions} times, and a run admitted after waiting the full {@code maxBulkWait} is never
 *       stopped, so every bulk batch finishes.</li>
 * </ol>
 *
 * <p><b>The bound.</b> A query never waits for a bulk run. From the moment its permit is taken, it shares the
 * cores only with (a) preemptible bulk runs until they reach their next node boundary (ONNX Runtime checks the
 * flag between the graph's nodes, so one node of a 12-layer encoder: a small fraction of a run), and (b) bulk runs
 * that are no longer preemptible, at most one per stream thread, each at most one batch of
 * {@code BiEncoderOptions.maxBatchTokens} padded tokens. No new bulk run starts until the permit is released, or
 * until {@code maxBulkWait} has passed.
 *
 * <p>{@link #disabled()} gives a gate that does nothing (the "lane off" configuration). Thread-safe.
 */
public final class PriorityGate {

    /**
     * Longest a bulk run waits for interactive work to clear. The waits of one buffer flush add up: 64 changes
     * ({@link EmbedWorkerConfig#DEFAULT_MAX_PENDING_PER_TASK}) of one run each wait at most 64 s under an unbroken
     * stream of queries, below the transaction timeout (120 s) and {@code max.poll.interval.ms} (300 s) that
     * {@link EmbedWorker} sets.
     */
    public static final Duration DEFAULT_MAX_BULK_WAIT = Duration.ofSeconds(1);
    /**
     * Times one bulk batch may be stopped before it runs to the end whatever arrives. Zero: queries only hold new
     * bulk runs back. A stop throws away the part of the run already done, and on an otherwise idle 2-core machine
     * {@code kembed bench query-embed} (5 queries/s during a 2,000-contact import) measured, with one stop allowed,
     * query P95/P99 24.1/33.5 ms against 24.1/39.3 ms with no lane at all, but bulk throughput 20.2 against 29.0
     * contacts/s: stopping runs cost a third of the ingest rate for a few ms at P99.
     */
    public static final int DEFAULT_MAX_PREEMPTIONS = 0;

    /** Counters since start. */
    public record Counters(long interactivePermits, long bulkRuns, long bulkRunsDelayed, long bulkWaitNanos,
            long bulkWaitsCapped, long preemptions) {
    }

    /** Held by interactive work; closing it (idempotent) lets bulk runs start again. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private static final Permit NO_PERMIT = () -> {
    };

    private final boolean enabled;
    private final long maxBulkWaitNanos;
    private final int maxPreemptions;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition interactiveIdle = lock.newCondition();
    // guarded by lock
    private int interactive;
    private int bulkWaiting;
    private final Set<BulkAdmission> preemptible = new LinkedHashSet<>();
    private long interactivePermits;
    private long bulkRuns;
    private long bulkRunsDelayed;
    private long bulkWaitNanos;
    private long bulkWaitsCapped;
    private long preemptions;

    private PriorityGate(boolean enabled, Duration maxBulkWait, int maxPreemptions) {
        if (maxBulkWait.isNegative() || maxPreemptions < 0) {
            throw new IllegalArgumentException("maxBulkWait and maxPreemptions must be >= 0");
        }
        this.enabled = enabled;
        this.maxBulkWaitNanos = maxBulkWait.toNanos();
        this.maxPreemptions = maxPreemptions;
    }

    /** An enabled gate with {@link #DEFAULT_MAX_BULK_WAIT} and {@link #DEFAULT_MAX_PREEMPTIONS}. */
    public static PriorityGate create() {
        return new PriorityGate(true, DEFAULT_MAX_BULK_WAIT, DEFAULT_MAX_PREEMPTIONS);
    }

    /**
     * @param maxBulkWait longest one bulk run waits for interactive work to clear, {@code >= 0}
     * @param maxPreemptions times one bulk batch may be stopped, {@code >= 0} (0: never stop runs, only hold new
     *     ones back)
     */
    public static PriorityGate create(Duration maxBulkWait, int maxPreemptions) {
        return new PriorityGate(true, maxBulkWait, maxPreemptions);
    }

    /** A gate that gives no priority: permits are free and bulk runs never wait nor stop. */
    public static PriorityGate disabled() {
        return new PriorityGate(false, Duration.ZERO, 0);
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Takes an interactive permit: from now until it is closed no bulk run starts (up to {@code maxBulkWait}), and
     * every preemptible bulk run in progress is stopped now. Never blocks on bulk work.
     */
    public Permit interactive() {
        if (!enabled) {
            return NO_PERMIT;
        }
        lock.lock();
        try {
            interactive++;
            interactivePermits++;
            for (BulkAdmission running : preemptible) {
                running.stopRun();
            }
            preemptible.clear();
        } finally {
            lock.unlock();
        }
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                release();
            }
        };
    }

    private void release() {
        lock.lock();
        try {
            if (--interactive == 0) {
                interactiveIdle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The lane bulk callers pass to {@link BiEncoder#embedPassages(java.util.List, InferenceLane)}. */
    public InferenceLane bulkLane() {
        return enabled ? this::admitBulk : InferenceLane.UNGATED;
    }

    private InferenceLane.Admission admitBulk(int previousPreemptions) {
        lock.lock();
        try {
            boolean capped = false;
            if (interactive > 0) {
                bulkRunsDelayed++;
                bulkWaiting++;
                long start = System.nanoTime();
                long left = maxBulkWaitNanos;
                try {
                    while (interactive > 0 && left > 0) {
                        left = interactiveIdle.awaitNanos(left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // run now; the caller sees the flag
                } finally {
                    bulkWaiting--;
                    bulkWaitNanos += System.nanoTime() - start;
                }
                capped = interactive > 0;
                if (capped) {
                    bulkWaitsCapped++;
                }
            }
            bulkRuns++;
            return new BulkAdmission(!capped && previousPreemptions < maxPreemptions);
        } finally {
            lock.unlock();
        }
    }

    /** Bulk runs waiting for interactive work to clear now. */
    public int bulkWaiting() {
        lock.lock();
        try {
            return bulkWaiting;
        } finally {
            lock.unlock();
        }
    }

    public Counters counters() {
        lock.lock();
        try {
            return new Counters(interactivePermits, bulkRuns, bulkRunsDelayed, bulkWaitNanos, bulkWaitsCapped,
                    preemptions);
        } finally {
            lock.unlock();
        }
    }

    /** One admitted bulk run; its stop action is only called between {@link #started} and {@link #ended}. */
    private final class BulkAdmission implements InferenceLane.Admission {

        private final boolean canBeStopped;
        private Runnable stop; // guarded by lock

        BulkAdmission(boolean canBeStopped) {
            this.canBeStopped = canBeStopped;
        }

        @Override
        public void started(Runnable stopAction) {
            if (!canBeStopped) {
                return;
            }
            lock.lock();
            try {
                stop = stopAction;
                if (interactive > 0) {
                    stopRun(); // a query arrived between admission and start
                } else {
                    preemptible.add(this);
                }
            } finally {
                lock.unlock();
            }
        }

        /** Called with the lock held. */
        void stopRun() {
            if (stop != null) {
                preemptions++;
                stop.run();
                stop = null;
            }
        }

        @Override
        public void ended() {
            if (!canBeStopped) {
                return;
            }
            lock.lock();
            try {
                stop = null;
                preemptible.remove(this);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            ended();
        }
    }
}
