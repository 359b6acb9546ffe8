package io.kembed.embed.stream;

import io.kembed.core.event.EntityKey;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Forwards only the change records of one tenant, judged by the tenant part of the record key
 * ({@link EntityKey#tenantOfKafkaKey}), before anything is decoded: what a tenant re-embed's embed worker runs in
 * front of {@link EmbedProcessor}. Records of other tenants, and records whose key names no tenant, are the
 * regular workers' (which dead-letter the malformed ones) and are skipped here, counted.
 */
final class TenantFilter implements Processor<byte[], byte[], byte[], byte[]> {

    private final String tenant;
    private final Runnable onSkipped;
    private ProcessorContext<byte[], byte[]> context;

    /**
     * @param tenant the tenant whose records pass
     * @param onSkipped called for every record skipped (a counter)
     */
    TenantFilter(String tenant, Runnable onSkipped) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.onSkipped = Objects.requireNonNull(onSkipped, "onSkipped");
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (tenant.equals(EntityKey.tenantOfKafkaKey(key))) {
            context.forward(record);
        } else {
            onSkipped.run();
        }
    }
}
