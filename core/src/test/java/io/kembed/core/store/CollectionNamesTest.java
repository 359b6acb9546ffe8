package io.kembed.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.kafka.TopicNames;
import org.junit.jupiter.api.Test;

class CollectionNamesTest {

    @Test
    void collectionOfAModel_isAliasDoubleUnderscoreModel_withDotsAsUnderscores() {
        assertThat(CollectionNames.of("kembed", "bge-small-en-v1.5-q")).isEqualTo("kembed__bge-small-en-v1_5-q");
        assertThat(CollectionNames.model("kembed", "kembed__bge-small-en-v1_5-q")).get()
                .extracting(m -> m.id()).isEqualTo("bge-small-en-v1.5-q");
        assertThat(CollectionNames.model("kembed", "kembed__no-such-model")).isEmpty();
        assertThat(CollectionNames.model("other", "kembed__bge-small-en-v1_5-q")).isEmpty();
    }

    @Test
    void onlyModelCollections_haveAnAlias() {
        assertThat(CollectionNames.aliasOfModelCollection("acme__e5-small-v2-q")).contains("acme");
        assertThat(CollectionNames.aliasOfModelCollection("ops")).isEmpty();
        assertThat(CollectionNames.aliasOfModelCollection("x__not-a-model")).isEmpty();
    }

    @Test
    void tenantAlias_isReadableForPlainIds_andHashedForOthers_andAlwaysAValidAliasName() {
        assertThat(CollectionNames.tenantAlias("kembed", "acme-eu_1")).isEqualTo("kembed.t-acme-eu_1");
        String odd = CollectionNames.tenantAlias("kembed", "acme/eu 1");
        assertThat(odd).matches("kembed\\.h-[0-9a-f]{16}");
        assertThat(CollectionNames.tenantAlias("kembed", "acme/eu 1")).isEqualTo(odd);
        assertThat(CollectionNames.tenantAlias("kembed", "acme/eu 2")).isNotEqualTo(odd);
        assertThat(CollectionNames.tenantAlias("kembed", "x".repeat(65))).startsWith("kembed.h-");
        assertThat(CollectionNames.tenantAlias("kembed", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629"))
                .startsWith("kembed.h-");
        // Usable as an alias and as the alias part of a model collection.
        String c = CollectionNames.of(odd, "e5-small-v2-q");
        assertThat(CollectionNames.model(odd, c)).isPresent();
        assertThat(CollectionNames.alias(c)).contains(odd);
        assertThatThrownBy(() -> CollectionNames.tenantAlias("kembed", ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badAliasNames_areRefused() {
        assertThatThrownBy(() -> CollectionNames.of("a/b", "e5-small-v2-q"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachModelHasItsOwnVectorsTopic() {
        TopicNames t = new TopicNames("p");
        assertThat(t.vectors("e5-small-v2-q")).isEqualTo("p.vectors.v1.e5-small-v2-q");
        assertThat(t.vectors("bge-small-en-v1.5-q")).isEqualTo("p.vectors.v1.bge-small-en-v1.5-q");
        assertThat(t.vectors("a/b")).isEqualTo("p.vectors.v1.a_b");
        assertThat(t.reembeds()).isEqualTo("p.reembeds");
    }
}
