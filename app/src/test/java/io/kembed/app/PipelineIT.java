package io.kembed.app;

/** {@link AbstractPipelineIT} on the embedded KRaft broker that {@code LocalPipeline} starts. */
class PipelineIT extends AbstractPipelineIT {

    @Override
    String bootstrapServers() {
        return null;
    }
}
