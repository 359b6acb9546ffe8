package io.kembed.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.event.InvalidEventException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChangeEventCodecTest {

    private final ChangeEventCodec codec = new ChangeEventCodec();

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void contactRoundTrips_andKeyMatches() {
        ContactEvent e = ContactEvent.upsert("acme", "c-1", 3, "Jane", "Acme", "CEO", "Notes", List.of("a", "b"));
        ChangeEventCodec.Decoded d = codec.decode(e.key().toKafkaKey(), codec.encode(e));
        assertThat(d.event()).isEqualTo(e);
        assertThat(d.isDelete()).isFalse();
        assertThat(new String(codec.encode(e), StandardCharsets.UTF_8)).contains("\"op\":\"upsert\"",
                "\"schema\":\"contact.v1\"", "\"contactId\":\"c-1\"");
    }

    @Test
    void documentRoundTrips() {
        DocumentEvent e = DocumentEvent.upsert("acme", "d-1", 1, "Title", "Body");
        assertThat(codec.decode(e.key().toKafkaKey(), codec.encode(e)).event()).isEqualTo(e);
        assertThat(e.embeddableText()).isEqualTo("Title\n\nBody");
    }

    @Test
    void tombstone_isADelete_withoutEvent() {
        ChangeEventCodec.Decoded d = codec.decode(EntityKey.contact("t", "1").toKafkaKey(), null);
        assertThat(d.event()).isNull();
        assertThat(d.isDelete()).isTrue();
        assertThat(d.key()).isEqualTo(EntityKey.contact("t", "1"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not json|{oops|BAD_JSON",
        "array|[1,2]|BAD_JSON",
        "missing schema|{\"op\":\"upsert\"}|MISSING_FIELD",
        "trailing garbage|{\"schema\":\"contact.v1\"}}|BAD_JSON",
        "name as a number|{\"schema\":\"contact.v1\",\"op\":\"upsert\",\"tenantId\":\"t\",\"contactId\":\"1\",\"version\":1,\"name\":7}|WRONG_TYPE",
        "notes as a boolean|{\"schema\":\"contact.v1\",\"op\":\"upsert\",\"tenantId\":\"t\",\"contactId\":\"1\",\"version\":1,\"name\":\"n\",\"notes\":true}|WRONG_TYPE",
        "schema not a string|{\"schema\":42,\"op\":\"upsert\"}|WRONG_TYPE",
        "unknown schema|{\"schema\":\"contact.v2\"}|UNKNOWN_SCHEMA",
        "missing id|{\"schema\":\"contact.v1\",\"op\":\"upsert\",\"tenantId\":\"t\",\"version\":1,\"name\":\"n\"}|MISSING_FIELD",
        "version as string|{\"schema\":\"contact.v1\",\"op\":\"upsert\",\"tenantId\":\"t\",\"contactId\":\"1\",\"version\":\"1\",\"name\":\"n\"}|WRONG_TYPE",
        "version as float|{\"schema\":\"contact.v1\",\"op\":\"upsert\",\"tenantId\":\"t\",\"contactId\":\"1\",\"version\":1.5,\"name\":\"n\"}|WRONG_TYPE",
        "tags not a list|{\"schema\":\"contact.v1\",\"op\":\"upsert\",\"tenantId\":\"t\",\"contactId\":\"1\",\"version\":1,\"tags\":5}|WRONG_TYPE",
        "unknown op|{\"schema\":\"contact.v1\",\"op\":\"merge\",\"tenantId\":\"t\",\"contactId\":\"1\",\"version\":1,\"name\":\"n\"}|INVALID_VALUE",
        "nothing to embed|{\"schema\":\"contact.v1\",\"op\":\"upsert\",\"tenantId\":\"t\",\"contactId\":\"1\",\"version\":1}|MISSING_FIELD",
        "negative version|{\"schema\":\"contact.v1\",\"op\":\"upsert\",\"tenantId\":\"t\",\"contactId\":\"1\",\"version\":-1,\"name\":\"n\"}|INVALID_VALUE",
        "control char in tenant|{\"schema\":\"contact.v1\",\"op\":\"upsert\",\"tenantId\":\"t\\u0001\",\"contactId\":\"1\",\"version\":1,\"name\":\"n\"}|INVALID_VALUE",
    })
    void invalidValues_areRejectedWithAReason(String name, String value, Reason reason) {
        assertThatThrownBy(() -> codec.decodeValue(json(value)))
                .isInstanceOf(InvalidEventException.class)
                .satisfies(e -> assertThat(((InvalidEventException) e).reason()).isEqualTo(reason));
    }

    @Test
    void invalidUtf8_isBadJson() {
        byte[] bad = {'{', '"', 's', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> codec.decodeValue(bad)).isInstanceOf(InvalidEventException.class)
                .extracting(e -> ((InvalidEventException) e).reason()).isEqualTo(Reason.BAD_JSON);
    }

    @Test
    void textOverTheByteLimit_isRejected() {
        ChangeEventCodec small = new ChangeEventCodec(new EventLimits(100, 256, 256));
        ContactEvent e = ContactEvent.upsert("t", "1", 1, "n", null, null, "x".repeat(200), null);
        assertThatThrownBy(() -> small.decodeValue(small.encode(e)))
                .extracting(x -> ((InvalidEventException) x).reason()).isEqualTo(Reason.TEXT_TOO_LARGE);
    }

    @Test
    void tooManyTags_areRejected() {
        ChangeEventCodec small = new ChangeEventCodec(new EventLimits(1000, 256, 2));
        ContactEvent e = ContactEvent.upsert("t", "1", 1, "n", null, null, null, List.of("a", "b", "c"));
        assertThatThrownBy(() -> small.decodeValue(small.encode(e)))
                .extracting(x -> ((InvalidEventException) x).reason()).isEqualTo(Reason.INVALID_VALUE);
    }

    @Test
    void keyNamingAnotherEntity_isAMismatch() {
        ContactEvent e = ContactEvent.upsert("t", "1", 1, "n", null, null, null, null);
        assertThatThrownBy(() -> codec.decode(EntityKey.contact("t", "2").toKafkaKey(), codec.encode(e)))
                .extracting(x -> ((InvalidEventException) x).reason()).isEqualTo(Reason.KEY_MISMATCH);
        assertThatThrownBy(() -> codec.decode("just-a-string", codec.encode(e)))
                .extracting(x -> ((InvalidEventException) x).reason()).isEqualTo(Reason.BAD_KEY);
    }

    @Test
    void unknownExtraFields_areIgnored_forForwardCompatibility() {
        ContactEvent e = (ContactEvent) codec.decodeValue(json("{\"schema\":\"contact.v1\",\"op\":\"upsert\","
                + "\"tenantId\":\"t\",\"contactId\":\"1\",\"version\":1,\"name\":\"n\",\"futureField\":true}"));
        assertThat(e.name()).isEqualTo("n");
    }
}
