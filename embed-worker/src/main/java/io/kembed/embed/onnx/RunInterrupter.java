package io.kembed.embed.onnx;

/**
 * Lets another thread stop an ONNX Runtime run in progress ({@link OnnxEncoder#encode(java.util.List,
 * io.kembed.core.model.Pooling, RunInterrupter)}). The encoder calls {@link #started} just before the run with an
 * action that stops it, and {@link #ended} once the run has returned or failed; between the two calls the action
 * may be called from any thread, any number of times, and after {@link #ended} returns it must not be called again.
 * The action sets ONNX Runtime's terminate flag on the run's {@code RunOptions}; the run checks it before it starts
 * and between graph nodes, so it stops within one node's time and fails with
 * {@link io.kembed.embed.InferencePreemptedException}.
 */
public interface RunInterrupter {

    /** Never stops a run. */
    RunInterrupter NONE = new RunInterrupter() {
        @Override
        public void started(Runnable stop) {
        }

        @Override
        public void ended() {
        }
    };

    /** @param stop stops the run that is about to start; valid until {@link #ended()} */
    void started(Runnable stop);

    /** The run has returned or failed; its stop action is no longer valid. */
    void ended();
}
