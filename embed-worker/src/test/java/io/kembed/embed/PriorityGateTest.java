package io.kembed.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Ordering of {@link PriorityGate}, driven with latches and the gate's own state, never with sleeps. */
class PriorityGateTest {

    private static final Duration LONG_WAIT = Duration.ofMinutes(5);

    @Test
    void bulkRun_waitsWhileInteractiveWorkIsHeld_andStartsWhenItIsReleased() throws Exception {
        PriorityGate gate = PriorityGate.create(LONG_WAIT, 3);
        List<String> order = new CopyOnWriteArrayList<>();
        PriorityGate.Permit query = gate.interactive();
        CountDownLatch admitted = new CountDownLatch(1);
        Thread bulk = new Thread(() -> {
            try (InferenceLane.Admission a = gate.bulkLane().admit(0)) {
                order.add("bulk");
                admitted.countDown();
            }
        });
        bulk.start();
        awaitTrue(() -> gate.bulkWaiting() == 1);
        assertThat(admitted.getCount()).as("bulk must not start while the query is held").isEqualTo(1);
        order.add("query done");
        query.close();
        assertThat(admitted.await(30, TimeUnit.SECONDS)).isTrue();
        bulk.join();
        assertThat(order).containsExactly("query done", "bulk");
        assertThat(gate.counters().bulkRunsDelayed()).isEqualTo(1);
        assertThat(gate.counters().bulkWaitsCapped()).isZero();
    }

    @Test
    void bulkRun_waitsUntilEveryInteractivePermitIsReleased() throws Exception {
        PriorityGate gate = PriorityGate.create(LONG_WAIT, 3);
        PriorityGate.Permit first = gate.interactive();
        PriorityGate.Permit second = gate.interactive();
        CountDownLatch admitted = new CountDownLatch(1);
        Thread bulk = new Thread(() -> {
            gate.bulkLane().admit(0).close();
            admitted.countDown();
        });
        bulk.start();
        awaitTrue(() -> gate.bulkWaiting() == 1);
        first.close();
        first.close(); // idempotent: must not release the second permit's hold
        assertThat(gate.bulkWaiting()).isEqualTo(1);
        assertThat(admitted.getCount()).isEqualTo(1);
        second.close();
        assertThat(admitted.await(30, TimeUnit.SECONDS)).isTrue();
        bulk.join();
    }

    @Test
    void interactivePermit_neverWaits_andStopsTheBulkRunInProgress() {
        PriorityGate gate = PriorityGate.create(LONG_WAIT, 3);
        AtomicInteger stops = new AtomicInteger();
        InferenceLane.Admission running = gate.bulkLane().admit(0);
        running.started(stops::incrementAndGet);
        try (PriorityGate.Permit query = gate.interactive()) { // returns at once, with the bulk run still admitted
            assertThat(stops).as("the run in progress was told to stop").hasValue(1);
        }
        running.ended();
        running.close();
        assertThat(gate.counters().preemptions()).isEqualTo(1);
    }

    @Test
    void runThatStartsAfterAQueryArrived_isStoppedAtOnce() {
        PriorityGate gate = PriorityGate.create(LONG_WAIT, 3);
        InferenceLane.Admission admitted = gate.bulkLane().admit(0); // admitted before the query
        AtomicInteger stops = new AtomicInteger();
        try (PriorityGate.Permit query = gate.interactive()) {
            admitted.started(stops::incrementAndGet); // the run starts while the query is held
            assertThat(stops).hasValue(1);
            admitted.ended();
        }
    }

    @Test
    void endedRun_isNeverStopped() {
        PriorityGate gate = PriorityGate.create(LONG_WAIT, 3);
        AtomicInteger stops = new AtomicInteger();
        InferenceLane.Admission run = gate.bulkLane().admit(0);
        run.started(stops::incrementAndGet);
        run.ended();
        gate.interactive().close();
        assertThat(stops).as("its RunOptions may be closed already").hasValue(0);
        assertThat(gate.counters().preemptions()).isZero();
    }

    @Test
    void batchStoppedMaxPreemptionsTimes_runsToTheEnd() {
        PriorityGate gate = PriorityGate.create(LONG_WAIT, 2);
        AtomicInteger stops = new AtomicInteger();
        InferenceLane.Admission third = gate.bulkLane().admit(2); // stopped twice already
        third.started(stops::incrementAndGet);
        gate.interactive().close();
        third.ended();
        assertThat(stops).hasValue(0);
        InferenceLane.Admission second = gate.bulkLane().admit(1);
        second.started(stops::incrementAndGet);
        gate.interactive().close();
        second.ended();
        assertThat(stops).hasValue(1);
    }

    @Test
    void bulkRun_startsAfterMaxBulkWait_evenWhileInteractiveWorkIsHeld_andIsNotStopped() {
        PriorityGate gate = PriorityGate.create(Duration.ofMillis(1), 3);
        AtomicInteger stops = new AtomicInteger();
        try (PriorityGate.Permit query = gate.interactive()) {
            InferenceLane.Admission run = gate.bulkLane().admit(0); // returns once the 1 ms cap has passed
            run.started(stops::incrementAndGet);
            gate.interactive().close();
            run.ended();
        }
        assertThat(stops).hasValue(0);
        assertThat(gate.counters().bulkWaitsCapped()).isEqualTo(1);
    }

    @Test
    void disabledGate_neverHoldsNorStopsBulkRuns() {
        PriorityGate gate = PriorityGate.disabled();
        AtomicInteger stops = new AtomicInteger();
        try (PriorityGate.Permit query = gate.interactive()) {
            InferenceLane.Admission run = gate.bulkLane().admit(0);
            run.started(stops::incrementAndGet);
            gate.interactive().close();
            run.ended();
        }
        assertThat(stops).hasValue(0);
        assertThat(gate.bulkLane()).isSameAs(InferenceLane.UNGATED);
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(1);
        }
    }
}
