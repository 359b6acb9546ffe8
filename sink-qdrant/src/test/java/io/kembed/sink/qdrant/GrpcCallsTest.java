package io.kembed.sink.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.kembed.core.store.VectorStoreException;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GrpcCallsTest {

    private static final Set<Status.Code> RETRIABLE = EnumSet.of(Status.Code.UNAVAILABLE,
            Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED,
            Status.Code.CANCELLED, Status.Code.INTERNAL, Status.Code.UNKNOWN);

    @ParameterizedTest
    @EnumSource(value = Status.Code.class, names = "OK", mode = EnumSource.Mode.EXCLUDE)
    void everyFailureCode_mapsToRetriableBadRequestOrFatal(Status.Code code) {
        RuntimeException e = GrpcCalls.translate("count in 'c'", code.toStatus().withDescription("why")
                .asRuntimeException());

        assertThat(e).hasMessage("Qdrant count in 'c' failed: " + code + ": why");
        if (RETRIABLE.contains(code)) {
            assertThat(e).isInstanceOf(VectorStoreException.class);
        } else if (code == Status.Code.INVALID_ARGUMENT || code == Status.Code.OUT_OF_RANGE) {
            assertThat(e).isInstanceOf(IllegalArgumentException.class);
        } else {
            assertThat(e).isExactlyInstanceOf(IllegalStateException.class);
        }
        assertThat(GrpcCalls.isRetriable(code)).isEqualTo(RETRIABLE.contains(code));
    }

    @Test
    void aFailureWithoutGrpcStatus_keepsItsType() {
        IllegalArgumentException bug = new IllegalArgumentException("bad");

        assertThat(GrpcCalls.translate("upsert", bug)).isSameAs(bug);
    }
}
