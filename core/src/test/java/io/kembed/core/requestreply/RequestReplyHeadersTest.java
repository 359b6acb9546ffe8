package io.kembed.core.requestreply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RequestReplyHeadersTest {

    private static RecordHeaders complete() {
        RecordHeaders h = new RecordHeaders();
        h.add(RequestReplyHeaders.CORRELATION_ID, RequestReplyHeaders.utf8("c-1"));
        h.add(RequestReplyHeaders.REPLY_TO, RequestReplyHeaders.utf8("replies"));
        h.add(RequestReplyHeaders.REPLY_PARTITION, RequestReplyHeaders.int32(3));
        h.add(RequestReplyHeaders.DEADLINE_MS, RequestReplyHeaders.int64(1_000L));
        return h;
    }

    @Test
    void parse_readsEveryHeader() {
        Request r = RequestReplyHeaders.parse(complete(), new byte[] {7}, new byte[] {8});
        assertThat(r.correlationId()).isEqualTo("c-1");
        assertThat(r.replyTo()).isEqualTo("replies");
        assertThat(r.replyPartition()).isEqualTo(3);
        assertThat(r.deadlineMs()).isEqualTo(1_000L);
        assertThat(r.reply(new byte[] {9})).satisfies(reply -> {
            assertThat(reply.correlationId()).isEqualTo("c-1");
            assertThat(reply.replyTo()).isEqualTo("replies");
            assertThat(reply.replyPartition()).isEqualTo(3);
        });
    }

    @Test
    void missingReplyPartition_meansNoPartition() {
        RecordHeaders h = complete();
        h.remove(RequestReplyHeaders.REPLY_PARTITION);
        assertThat(RequestReplyHeaders.parse(h, null, null).replyPartition()).isEqualTo(Request.NO_PARTITION);
    }

    @Test
    void missingOrMalformedHeaders_areMalformedRequests() {
        for (String name : new String[] {RequestReplyHeaders.CORRELATION_ID, RequestReplyHeaders.REPLY_TO,
                RequestReplyHeaders.DEADLINE_MS}) {
            RecordHeaders h = complete();
            h.remove(name);
            assertThatThrownBy(() -> RequestReplyHeaders.parse(h, null, null))
                    .isInstanceOf(MalformedRequestException.class).hasMessageContaining(name);
        }
        RecordHeaders shortDeadline = complete();
        shortDeadline.remove(RequestReplyHeaders.DEADLINE_MS);
        shortDeadline.add(RequestReplyHeaders.DEADLINE_MS, RequestReplyHeaders.int32(5));
        assertThatThrownBy(() -> RequestReplyHeaders.parse(shortDeadline, null, null))
                .isInstanceOf(MalformedRequestException.class);
        RecordHeaders negativePartition = complete();
        negativePartition.remove(RequestReplyHeaders.REPLY_PARTITION);
        negativePartition.add(RequestReplyHeaders.REPLY_PARTITION, RequestReplyHeaders.int32(-2));
        assertThatThrownBy(() -> RequestReplyHeaders.parse(negativePartition, null, null))
                .isInstanceOf(MalformedRequestException.class);
    }

    @Test
    void deadline_isExpiredAtAndAfterItsMillisecond() {
        Request r = RequestReplyHeaders.parse(complete(), null, null);
        assertThat(r.expired(999)).isFalse();
        assertThat(r.remainingMs(999)).isEqualTo(1);
        assertThat(r.expired(1_000)).isTrue();
        assertThat(r.expired(5_000)).isTrue();
    }
}
