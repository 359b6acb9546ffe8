package io.kembed.app.reembed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ReembedProgressTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static ReembedProgress.Row row(String group, int partition, long committed, long end) {
        return new ReembedProgress.Row(group, new TopicPartition("p.contacts.v1", partition), committed, end);
    }

    @Test
    void rateAndEta_comeFromTwoReadings_perGroup() {
        ReembedProgress first = new ReembedProgress(List.of(row("g", 0, 100, 1_000), row("g", 1, 0, 1_000),
                row("other", 0, 5, 5)), T0);
        ReembedProgress second = new ReembedProgress(List.of(row("g", 0, 300, 1_000), row("g", 1, 200, 1_000),
                row("other", 0, 5, 5)), T0.plusSeconds(10));
        double rate = second.rate(first, "g");
        assertThat(rate).isEqualTo(40.0); // 400 records in 10 s
        assertThat(second.lag("g")).isEqualTo(1_500);
        assertThat(second.eta("g", rate)).isEqualTo(Duration.ofMillis(37_500));
        assertThat(second.eta("other", second.rate(first, "other"))).isEqualTo(Duration.ZERO);
        assertThat(second.eta("g", 0)).isNull();
    }

    @Test
    void reached_needsEveryNamedPartitionAtOrPastItsOffset() {
        ReembedProgress p = new ReembedProgress(List.of(row("g", 0, 1_000, 1_200), row("g", 1, 499, 600)), T0);
        assertThat(p.reached("g", Map.of("p.contacts.v1-0", 1_000L))).isTrue();
        assertThat(p.reached("g", Map.of("p.contacts.v1-0", 1_000L, "p.contacts.v1-1", 500L))).isFalse();
        assertThat(p.reached("g", Map.of("p.documents.v1-0", 0L))).as("an empty partition").isTrue();
    }

    @Test
    void state_roundTripsThroughItsJson() {
        ReembedState s = new ReembedState("kembed", "all-minilm-l6-v2-q", "e5-small-v2-q", null, T0,
                ReembedState.Phase.CUT_OVER, T0.plusSeconds(60), Map.of("p.contacts.v1-0", 42L), null);
        assertThat(ReembedState.fromJson(s.toJson())).isEqualTo(s);
        assertThat(s.scopeAlias()).isEqualTo("kembed");
        assertThat(s.fromCollection()).isEqualTo("kembed__all-minilm-l6-v2-q");
        assertThat(s.toCollection()).isEqualTo("kembed__e5-small-v2-q");
        assertThat(s.fromCollectionIsOwn()).isTrue();
        // A record from before tenant re-embeds (no fromCollectionName) still reads.
        String old = new String(s.toJson(), java.nio.charset.StandardCharsets.UTF_8)
                .replace(",\"fromCollectionName\":null", "");
        assertThat(old).doesNotContain("fromCollectionName");
        assertThat(ReembedState.fromJson(old.getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(s);
    }

    @Test
    void tenantState_movesTheTenantsAlias_fromTheSharedCollection_toItsOwn() {
        ReembedState s = new ReembedState("kembed", "all-minilm-l6-v2-q", "e5-small-v2-q", "acme", T0,
                ReembedState.Phase.RUNNING, T0, Map.of(), "kembed__all-minilm-l6-v2-q");
        assertThat(ReembedState.fromJson(s.toJson())).isEqualTo(s);
        assertThat(s.scopeAlias()).isEqualTo("kembed.t-acme");
        assertThat(s.fromCollection()).isEqualTo("kembed__all-minilm-l6-v2-q");
        assertThat(s.toCollection()).isEqualTo("kembed.t-acme__e5-small-v2-q");
        assertThat(s.fromCollectionIsOwn()).as("shared with the other tenants").isFalse();
        ReembedState again = new ReembedState("kembed", "e5-small-v2-q", "all-minilm-l6-v2-q", "acme", T0,
                ReembedState.Phase.RUNNING, T0, Map.of(), "kembed.t-acme__e5-small-v2-q");
        assertThat(again.fromCollectionIsOwn()).isTrue();
    }
}
