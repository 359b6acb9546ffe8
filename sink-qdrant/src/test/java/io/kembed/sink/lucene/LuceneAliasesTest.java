package io.kembed.sink.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.store.VectorStore;
import io.kembed.sink.VectorStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneAliasesTest {

    @TempDir
    Path dir;

    @Test
    void swap_pointsTheAliasAtTheNewCollection_andAnotherInstanceSeesIt() {
        LuceneAliases aliases = LuceneAliases.open(dir);
        assertThat(aliases.resolve("kembed")).isEmpty();
        aliases.swap("kembed", "kembed__a");
        assertThat(LuceneAliases.open(dir).resolve("kembed")).contains("kembed__a");
        aliases.swap("kembed", "kembed__b");
        assertThat(LuceneAliases.open(dir).resolve("kembed")).contains("kembed__b");
        assertThat(aliases.list()).isEqualTo(Map.of("kembed", "kembed__b"));
        aliases.delete("kembed");
        assertThat(aliases.resolve("kembed")).isEmpty();
    }

    @Test
    void resolveFirst_takesATenantsAliasBeforeTheSharedOne() {
        LuceneAliases aliases = LuceneAliases.open(dir);
        List<String> order = List.of("kembed.t-acme", "kembed");
        assertThat(aliases.resolveFirst(order)).isEmpty();
        aliases.swap("kembed", "kembed__a");
        assertThat(aliases.resolveFirst(order)).contains(Map.entry("kembed", "kembed__a"));
        aliases.swap("kembed.t-acme", "kembed.t-acme__b");
        assertThat(aliases.resolveFirst(order)).contains(Map.entry("kembed.t-acme", "kembed.t-acme__b"));
        assertThat(aliases.list()).isEqualTo(Map.of("kembed", "kembed__a", "kembed.t-acme", "kembed.t-acme__b"));
    }

    @Test
    void readersRacingWithSwaps_alwaysSeeOneOfTheTwoCollections() throws Exception {
        LuceneAliases aliases = LuceneAliases.open(dir);
        aliases.swap("kembed", "kembed__a");
        AtomicBoolean stop = new AtomicBoolean();
        Set<Optional<String>> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger reads = new AtomicInteger();
        Thread reader = new Thread(() -> {
            LuceneAliases other = LuceneAliases.open(dir);
            while (!stop.get()) {
                seen.add(other.resolve("kembed"));
                reads.incrementAndGet();
            }
        });
        reader.start();
        for (int i = 0; i < 500; i++) {
            aliases.swap("kembed", i % 2 == 0 ? "kembed__b" : "kembed__a");
        }
        stop.set(true);
        reader.join();
        assertThat(reads.get()).isPositive();
        assertThat(seen).isSubsetOf(Set.of(Optional.of("kembed__a"), Optional.of("kembed__b")));
    }

    @Test
    void dropCollection_refusesAnAliasedOne_andDeletesAnother() {
        LuceneAliases aliases = LuceneAliases.open(dir);
        try (VectorStore a = VectorStores.lucene(dir, "kembed__a", 4);
                VectorStore b = VectorStores.lucene(dir, "kembed__b", 4)) {
            a.flush();
            b.flush();
        }
        aliases.swap("kembed", "kembed__b");
        assertThatThrownBy(() -> aliases.dropCollection("kembed__b")).isInstanceOf(IllegalStateException.class);
        aliases.dropCollection("kembed__a");
        assertThat(Files.exists(dir.resolve("kembed__a"))).isFalse();
        assertThat(Files.exists(dir.resolve("kembed__b"))).isTrue();
    }

    @Test
    void badNames_areRefused() {
        LuceneAliases aliases = LuceneAliases.open(dir);
        assertThatThrownBy(() -> aliases.swap("../x", "c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> aliases.swap("a", "c/d")).isInstanceOf(IllegalArgumentException.class);
    }
}
