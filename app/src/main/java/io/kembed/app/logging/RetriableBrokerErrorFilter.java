package io.kembed.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.slf4j.Marker;

/**
 * Drops one broker log line the embedded KRaft broker prints at ERROR for an error its clients simply retry: with
 * transactions v2 (KIP-890) a transactional producer's batch that reaches a partition before the producer's first
 * batch there is refused with a retriable {@link OutOfOrderSequenceException} ("Expected sequence 0 for transactions
 * v2 idempotent producer with no existing state", KAFKA-18202), and the producer sends it again. Kafka Streams'
 * exactly-once producers hit this on fresh changelog partitions. Every other broker error is still logged.
 */
public final class RetriableBrokerErrorFilter extends TurboFilter {

    static final String REPLICA_MANAGER = "kafka.server.ReplicaManager";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
            Throwable t) {
        if (t instanceof OutOfOrderSequenceException && logger != null && REPLICA_MANAGER.equals(logger.getName())
                && t.getMessage() != null && t.getMessage().contains("transactions v2")) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
