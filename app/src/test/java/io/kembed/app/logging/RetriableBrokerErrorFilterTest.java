package io.kembed.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;

class RetriableBrokerErrorFilterTest {

    private final LoggerContext context = new LoggerContext();
    private final RetriableBrokerErrorFilter filter = new RetriableBrokerErrorFilter();

    @Test
    void dropsOnlyTheRetriableTransactionsV2SequenceErrorOfTheReplicaManager() {
        OutOfOrderSequenceException tv2 = new OutOfOrderSequenceException("Invalid sequence number for producer 2 at "
                + "offset 3 in partition p-2: 7 (incoming seq. number). Expected sequence 0 for transactions v2 "
                + "idempotent producer with no existing state.");
        OutOfOrderSequenceException other = new OutOfOrderSequenceException("Out of order sequence number for "
                + "producer 1674: 51 (incoming seq. number), 49 (current end sequence number)");
        var replicaManager = context.getLogger(RetriableBrokerErrorFilter.REPLICA_MANAGER);
        assertThat(filter.decide(null, replicaManager, Level.ERROR, "Error processing append", null, tv2))
                .isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(null, replicaManager, Level.ERROR, "Error processing append", null, other))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(null, context.getLogger("io.kembed.x"), Level.ERROR, "x", null, tv2))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(null, replicaManager, Level.ERROR, "x", null, null)).isEqualTo(FilterReply.NEUTRAL);
    }
}
