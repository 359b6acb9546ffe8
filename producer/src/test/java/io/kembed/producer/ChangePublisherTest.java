package io.kembed.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.event.ChangeEventCodec;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.event.DocumentEvent;
import io.kembed.core.event.EntityKey;
import io.kembed.core.event.InvalidEventException;
import io.kembed.core.event.Op;
import io.kembed.core.kafka.TopicNames;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class ChangePublisherTest {

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final ChangePublisher publisher =
            new ChangePublisher(producer, new TopicNames("t"), new ChangeEventCodec());

    @Test
    void contact_goesToContactsTopic_keyedByEntity() {
        ContactEvent event = ContactEvent.upsert("acme", "c/1", 3, "Jane", "Acme", "CEO", null, List.of("x"));

        publisher.publish(event);

        ProducerRecord<byte[], byte[]> sent = producer.history().get(0);
        assertThat(sent.topic()).isEqualTo("t.contacts.v1");
        assertThat(new String(sent.key(), StandardCharsets.UTF_8)).isEqualTo("acme/contact/c%2F1");
        assertThat(new ChangeEventCodec().decode(new String(sent.key(), StandardCharsets.UTF_8), sent.value())
                .event()).isEqualTo(event);
    }

    @Test
    void publishAll_throwsWhenASendFails_countingTheFailures() {
        // the first send expires (as a batch spinning on OUT_OF_ORDER_SEQUENCE_NUMBER does), the others succeed
        MockProducer<byte[], byte[]> failingFirst = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer()) {
            @Override
            public synchronized void flush() {
                errorNext(new org.apache.kafka.common.errors.TimeoutException("expired in the accumulator"));
                while (completeNext()) {
                    // complete the rest successfully
                }
            }
        };
        ChangePublisher p = new ChangePublisher(failingFirst, new TopicNames("t"), new ChangeEventCodec());
        List<ContactEvent> events = List.of(
                ContactEvent.upsert("acme", "c1", 1, "Jane", null, null, null, null),
                ContactEvent.upsert("acme", "c2", 1, "John", null, null, null, null),
                ContactEvent.upsert("acme", "c3", 1, "Joan", null, null, null, null));

        assertThatThrownBy(() -> p.publishAll(events))
                .isInstanceOf(org.apache.kafka.common.KafkaException.class)
                .hasMessage("1 of 3 events were not acknowledged by the cluster")
                .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        assertThat(failingFirst.history()).hasSize(3);
    }

    @Test
    void publishAll_returnsTheCountOnceEveryEventIsAcknowledged() {
        MockProducer<byte[], byte[]> acking = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        ChangePublisher p = new ChangePublisher(acking, new TopicNames("t"), new ChangeEventCodec());

        assertThat(p.publishAll(List.of(ContactEvent.upsert("acme", "c1", 1, "Jane", null, null, null, null),
                DocumentEvent.upsert("acme", "d1", 1, "T", "B")))).isEqualTo(2);
        assertThat(acking.history()).hasSize(2);
    }

    @Test
    void document_goesToDocumentsTopic() {
        publisher.publish(DocumentEvent.upsert("acme", "d1", 1, "Title", "Body"));

        assertThat(producer.history().get(0).topic()).isEqualTo("t.documents.v1");
    }

    @Test
    void invalidEvent_throwsSynchronously_andNothingIsSent() {
        ContactEvent blankId = ContactEvent.upsert("acme", " ", 1, "Jane", null, null, null, null);
        ContactEvent wrongSchema = new ContactEvent("contact.v9", Op.UPSERT, "acme", "c1", 1, null, "Jane", null,
                null, null, null, null, null, null);
        ContactEvent negativeVersion = ContactEvent.upsert("acme", "c1", -1, "Jane", null, null, null, null);
        ContactEvent noTenant = ContactEvent.upsert(null, "c1", 1, "Jane", null, null, null, null);

        assertThatThrownBy(() -> publisher.publish(blankId))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidEventException.Reason.MISSING_FIELD));
        assertThatThrownBy(() -> publisher.publish(wrongSchema))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidEventException.Reason.UNKNOWN_SCHEMA));
        assertThatThrownBy(() -> publisher.publish(negativeVersion)).isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> publisher.publish(noTenant)).isInstanceOf(InvalidEventException.class);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void tombstone_hasNullValue_andEntityKey() {
        publisher.publishTombstone(EntityKey.document("acme", "d1"));

        ProducerRecord<byte[], byte[]> sent = producer.history().get(0);
        assertThat(sent.topic()).isEqualTo("t.documents.v1");
        assertThat(new String(sent.key(), StandardCharsets.UTF_8)).isEqualTo("acme/document/d1");
        assertThat(sent.value()).isNull();
    }

    @Test
    void tombstoneWithBlankId_throws_andNothingIsSent() {
        assertThatThrownBy(() -> publisher.publishTombstone(EntityKey.contact("acme", "")))
                .isInstanceOf(InvalidEventException.class);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void future_completesWithMetadata_orWithTheSendError() {
        CompletableFuture<RecordMetadata> ok =
                publisher.publish(ContactEvent.upsert("acme", "c1", 1, "Jane", null, null, null, null));
        CompletableFuture<RecordMetadata> failed =
                publisher.publish(ContactEvent.upsert("acme", "c2", 1, "John", null, null, null, null));
        assertThat(ok).isNotDone();

        producer.completeNext();
        producer.errorNext(new RecordTooLargeException("too big"));

        assertThat(ok.join().topic()).isEqualTo("t.contacts.v1");
        assertThat(failed).isCompletedExceptionally();
        assertThatThrownBy(failed::join).hasCauseInstanceOf(RecordTooLargeException.class);
    }

    @Test
    void close_closesTheProducer() {
        publisher.close();

        assertThat(producer.closed()).isTrue();
    }
}
