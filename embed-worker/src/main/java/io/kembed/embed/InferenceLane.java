package io.kembed.embed;

import io.kembed.embed.onnx.RunInterrupter;

/**
 * How each ONNX Runtime run of a {@link BiEncoder} call is admitted: {@link #UNGATED} runs at once, a
 * {@link PriorityGate#bulkLane()} waits while interactive work is queued or running and may be stopped by it.
 */
@FunctionalInterface
public interface InferenceLane {

    /** Every run starts at once and is never stopped. */
    InferenceLane UNGATED = preemptions -> Admission.FREE;

    /**
     * Blocks until one run may start.
     *
     * @param preemptions how many times this same batch has already been stopped (0 on its first attempt)
     * @return the admission; close it when the run has ended
     */
    Admission admit(int preemptions);

    /** Leave to run one batch; as a {@link RunInterrupter} it learns how to stop the run. */
    interface Admission extends RunInterrupter, AutoCloseable {

        /** Admission that never stops its run. */
        Admission FREE = new Admission() {
            @Override
            public void started(Runnable stop) {
            }

            @Override
            public void ended() {
            }

            @Override
            public void close() {
            }
        };

        @Override
        void close();
    }
}
