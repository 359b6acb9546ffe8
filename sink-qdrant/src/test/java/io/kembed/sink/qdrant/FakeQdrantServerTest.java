package io.kembed.sink.qdrant;

import static io.qdrant.client.ConditionFactory.filter;
import static io.qdrant.client.ConditionFactory.geoRadius;
import static io.qdrant.client.ConditionFactory.hasId;
import static io.qdrant.client.ConditionFactory.isEmpty;
import static io.qdrant.client.ConditionFactory.isNull;
import static io.qdrant.client.ConditionFactory.match;
import static io.qdrant.client.ConditionFactory.matchExceptKeywords;
import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.ConditionFactory.matchKeywords;
import static io.qdrant.client.ConditionFactory.matchText;
import static io.qdrant.client.ConditionFactory.range;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.QueryFactory.nearest;
import static io.qdrant.client.ValueFactory.list;
import static io.qdrant.client.ValueFactory.nullValue;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorsFactory.vectors;
import static io.qdrant.client.WithPayloadSelectorFactory.enable;
import static io.qdrant.client.WithPayloadSelectorFactory.include;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.grpc.Status;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Collections.AliasDescription;
import io.qdrant.client.grpc.Collections.AliasOperations;
import io.qdrant.client.grpc.Collections.CreateAlias;
import io.qdrant.client.grpc.Collections.DeleteCollection;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.RenameAlias;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Common.Condition;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.MinShould;
import io.qdrant.client.grpc.Common.Range;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.PrefetchQuery;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.SearchPoints;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake behaves as Qdrant does for the RPCs it serves, and refuses loudly what it does not model. */
class FakeQdrantServerTest {

    private static final String C = "things";

    private FakeQdrantServer qdrant;
    private QdrantClient client;

    @BeforeEach
    void startWithSixPoints() throws Exception {
        qdrant = FakeQdrantServer.inProcess();
        client = qdrant.newClient();
        client.createCollectionAsync(C, VectorParams.newBuilder().setSize(2).setDistance(Distance.Cosine).build())
                .get();
        client.upsertAsync(C, List.of(
                point(1, 1, 0, Map.of("color", value("red"), "n", value(1),
                        "tags", list(List.of(value("a"), value("b"))))),
                point(2, 0, 1, Map.of("color", value("blue"), "n", value(2), "tags", list(List.of(value("b"))))),
                point(3, 1, 1, Map.of("color", value("red"), "n", value(3))),
                point(4, -1, 0, Map.of("color", value("green"), "n", value(4), "flag", value(true))),
                point(5, 1, -3, Map.of("n", value(5), "note", nullValue())),
                point(6, 3, 4, Map.of("color", value("blue"), "n", value(6), "tags", list(List.of())))))
                .get();
    }

    @AfterEach
    void stop() {
        client.close();
        qdrant.close();
    }

    @Test
    void filters_matchAsInQdrant() throws Exception {
        assertThat(count(must(matchKeyword("color", "red")))).isEqualTo(2);
        assertThat(count(Filter.newBuilder().addShould(matchKeyword("color", "red"))
                .addShould(matchKeyword("color", "blue")).build())).isEqualTo(4);
        assertThat(count(Filter.newBuilder().addMustNot(matchKeyword("color", "red")).build())).isEqualTo(4);
        assertThat(count(must(range("n", Range.newBuilder().setGte(2).setLt(5).build())))).isEqualTo(3);
        assertThat(count(must(match("n", 4)))).isEqualTo(1);
        assertThat(count(must(match("flag", true)))).isEqualTo(1);
        assertThat(count(must(matchKeyword("tags", "b")))).as("any element of an array").isEqualTo(2);
        assertThat(count(must(matchKeywords("color", List.of("green", "blue"))))).isEqualTo(3);
        assertThat(count(must(matchExceptKeywords("color", List.of("red"))))).isEqualTo(3);
        assertThat(count(must(hasId(List.of(id(1), id(2), id(99)))))).isEqualTo(2);
        assertThat(count(must(isEmpty("tags")))).as("missing or []").isEqualTo(4);
        assertThat(count(must(isNull("note")))).isEqualTo(1);
        Filter redOrGreen = Filter.newBuilder().addShould(matchKeyword("color", "red"))
                .addShould(matchKeyword("color", "green")).build();
        assertThat(count(Filter.newBuilder().addMust(filter(redOrGreen))
                .addMustNot(range("n", Range.newBuilder().setGte(4).build())).build())).isEqualTo(2);
        assertThat(client.countAsync(C).get()).isEqualTo(6);
    }

    @Test
    void upsert_overwritesById() throws Exception {
        client.upsertAsync(C, List.of(point(1, 0, 1, Map.of("color", value("violet"))))).get();

        assertThat(client.countAsync(C).get()).isEqualTo(6);
        assertThat(count(must(matchKeyword("color", "violet")))).isEqualTo(1);
        assertThat(count(must(matchKeyword("tags", "a")))).as("old payload replaced, not merged").isZero();
    }

    @Test
    void upsert_canonicalisesUuids() throws Exception {
        UUID uuid = UUID.randomUUID();
        client.upsertAsync(C, List.of(PointStruct.newBuilder()
                .setId(io.qdrant.client.grpc.Common.PointId.newBuilder().setUuid(uuid.toString().toUpperCase()))
                .setVectors(vectors(1, 0)).build())).get();
        client.upsertAsync(C, List.of(PointStruct.newBuilder().setId(id(uuid)).setVectors(vectors(0, 1)).build()))
                .get();

        assertThat(client.countAsync(C).get()).isEqualTo(7);
        assertThat(count(must(hasId(List.of(id(uuid)))))).isEqualTo(1);
    }

    @Test
    void delete_byIds_andByFilter() throws Exception {
        client.deleteAsync(C, List.of(id(1), id(2), id(42))).get();
        assertThat(client.countAsync(C).get()).isEqualTo(4);

        client.deleteAsync(C, must(matchKeyword("color", "blue"))).get();
        assertThat(client.countAsync(C).get()).isEqualTo(3);
    }

    @Test
    void get_returnsStoredIdsOnlyOnce_withTheSelectedPayload() throws Exception {
        List<io.qdrant.client.grpc.Points.RetrievedPoint> got = client.retrieveAsync(C,
                List.of(id(2), id(99), id(1), id(2)), include(List.of("n")), WithVectorsSelectorFactory.enable(false),
                null).get();

        assertThat(got).extracting(p -> p.getId().getNum()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(got).allSatisfy(p -> assertThat(p.getPayloadMap()).containsOnlyKeys("n"));
        assertThat(code(() -> client.retrieveAsync(C, List.of(id(1)), true, true, null).get()))
                .as("vectors out are not modelled").isEqualTo(Status.Code.UNIMPLEMENTED);
    }

    @Test
    void query_isExactCosine_filtered_limited_withSelectedPayload() throws Exception {
        List<ScoredPoint> hits = client.queryAsync(QueryPoints.newBuilder().setCollectionName(C)
                .setQuery(nearest(1f, 0f)).setFilter(must(matchKeyword("color", "red"))).setLimit(1)
                .setWithPayload(include(List.of("color"))).build()).get();

        assertThat(hits).hasSize(1);
        assertThat(hits.get(0).getId()).isEqualTo(id(1));
        assertThat(hits.get(0).getScore()).isCloseTo(1f, within(1e-6f));
        assertThat(hits.get(0).getPayloadMap()).containsOnlyKeys("color");
    }

    @Test
    void query_ordersByScore_andAppliesOffsetAndThreshold() throws Exception {
        List<ScoredPoint> all = client.queryAsync(QueryPoints.newBuilder().setCollectionName(C)
                .setQuery(nearest(1f, 0f)).setLimit(10).build()).get();
        assertThat(all).extracting(p -> p.getId().getNum()).containsExactly(1L, 3L, 6L, 5L, 2L, 4L);
        assertThat(all.get(2).getScore()).isCloseTo(0.6f, within(1e-6f)); // cosine of (1, 0) and (3, 4)
        assertThat(all.get(0).getPayloadMap()).as("no payload unless asked").isEmpty();

        List<ScoredPoint> page = client.queryAsync(QueryPoints.newBuilder().setCollectionName(C)
                .setQuery(nearest(1f, 0f)).setLimit(10).setOffset(1).setScoreThreshold(0.5f).build()).get();
        assertThat(page).extracting(p -> p.getId().getNum()).containsExactly(3L, 6L);
    }

    @Test
    void legacySearch_filtersToo() throws Exception {
        List<ScoredPoint> hits = client.searchAsync(SearchPoints.newBuilder().setCollectionName(C)
                .addAllVector(List.of(0f, 1f)).setLimit(10).setFilter(must(matchKeyword("color", "blue")))
                .setWithPayload(enable(true)).build()).get();

        assertThat(hits).extracting(p -> p.getId().getNum()).containsExactly(2L, 6L);
        assertThat(hits.get(0).getPayloadMap()).containsKey("tags");
    }

    @Test
    void aliases_standForTheirCollection_andCanBeRenamedAndDeleted() throws Exception {
        client.createAliasAsync("live", C).get();
        client.upsertAsync("live", List.of(point(7, 1, 0, Map.of()))).get();
        assertThat(client.countAsync(C).get()).isEqualTo(7);
        assertThat(client.countAsync("live").get()).isEqualTo(7);
        assertThat(client.queryAsync(QueryPoints.newBuilder().setCollectionName("live").setQuery(nearest(1f, 0f))
                .setLimit(2).build()).get()).hasSize(2);
        assertThat(client.listAliasesAsync().get()).containsExactly(alias("live", C));
        assertThat(client.listCollectionAliasesAsync(C).get()).containsExactly("live");
        assertThat(client.collectionExistsAsync("live").get()).isTrue();

        client.renameAliasAsync("live", "prod").get();
        assertThat(code(() -> client.countAsync("live").get())).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(client.countAsync("prod").get()).isEqualTo(7);

        client.deleteAliasAsync("prod").get();
        client.deleteAliasAsync("never-was").get();
        assertThat(client.listAliasesAsync().get()).isEmpty();
    }

    @Test
    void aliasChanges_applyAllOrNone_andNeverClashWithCollections() throws Exception {
        AliasOperations create = AliasOperations.newBuilder()
                .setCreateAlias(CreateAlias.newBuilder().setAliasName("x").setCollectionName(C)).build();
        AliasOperations renameMissing = AliasOperations.newBuilder()
                .setRenameAlias(RenameAlias.newBuilder().setOldAliasName("missing").setNewAliasName("y")).build();

        assertThat(code(() -> client.updateAliasesAsync(List.of(create, renameMissing)).get()))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(client.listAliasesAsync().get()).isEmpty();
        assertThat(code(() -> client.createAliasAsync(C, C).get())).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(code(() -> client.createAliasAsync("z", "no-such").get())).isEqualTo(Status.Code.NOT_FOUND);

        client.createAliasAsync("live", C).get();
        assertThat(code(() -> client.createCollectionAsync("live", cosine(2)).get()))
                .isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(deleteCollection("live")).as("delete resolves no alias").isFalse();
        client.deleteCollectionAsync(C).get();
        assertThat(client.listAliasesAsync().get()).as("dropped with the collection").isEmpty();
    }

    @Test
    void collections_areCheckedAsInQdrant() throws Exception {
        assertThat(code(() -> client.createCollectionAsync(C, cosine(2)).get())).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(code(() -> client.getCollectionInfoAsync("nope").get())).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> client.createCollectionAsync("zero", cosine(0)).get()))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> client.createCollectionAsync("a/b", cosine(2)).get()))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(client.collectionExistsAsync("nope").get()).isFalse();

        client.createCollectionAsync("other", cosine(3)).get();
        assertThat(client.listCollectionsAsync().get()).containsExactly("other", C);
        assertThat(deleteCollection("other")).isTrue();
        assertThat(deleteCollection("other")).isFalse();
    }

    @Test
    void wrongVectorSizes_andBadIds_areInvalidArguments() {
        assertThat(code(() -> client.upsertAsync(C, List.of(PointStruct.newBuilder().setId(id(9))
                .setVectors(vectors(1, 2, 3)).build())).get())).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> client.queryAsync(QueryPoints.newBuilder().setCollectionName(C)
                .setQuery(nearest(1f, 2f, 3f)).build()).get())).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> client.upsertAsync(C, List.of(PointStruct.newBuilder()
                .setId(io.qdrant.client.grpc.Common.PointId.newBuilder().setUuid("not-a-uuid"))
                .setVectors(vectors(1, 2)).build())).get())).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void unmodelledFeatures_failWithUnimplemented_neverSilently() {
        assertThat(code(() -> count(must(matchText("color", "re"))))).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(code(() -> count(must(geoRadius("loc", 0, 0, 10))))).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(code(() -> count(must(matchKeyword("a.b", "x"))))).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(code(() -> count(Filter.newBuilder().setMinShould(MinShould.newBuilder()
                .addConditions(matchKeyword("color", "red")).setMinCount(1)).build())))
                .isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(code(() -> client.queryAsync(QueryPoints.newBuilder().setCollectionName(C)
                .addPrefetch(PrefetchQuery.newBuilder().setQuery(nearest(1f, 0f))).setQuery(nearest(1f, 0f))
                .build()).get())).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(code(() -> client.queryAsync(QueryPoints.newBuilder().setCollectionName(C)
                .setQuery(nearest(1f, 0f)).setWithVectors(WithVectorsSelectorFactory.enable(true)).build()).get()))
                .isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(code(() -> client.createCollectionAsync("euclid",
                VectorParams.newBuilder().setSize(2).setDistance(Distance.Euclid).build()).get()))
                .isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(code(() -> client.scrollAsync(io.qdrant.client.grpc.Points.ScrollPoints.newBuilder()
                .setCollectionName(C).build()).get())).isEqualTo(Status.Code.UNIMPLEMENTED);
    }

    @Test
    void healthCheck_reportsTheFakesVersion() throws Exception {
        assertThat(client.healthCheckAsync().get().getVersion()).isEqualTo(FakeQdrantServer.VERSION);
    }

    /** Qdrant's raw answer: {@code QdrantClient.deleteCollectionAsync} turns {@code false} into an exception. */
    private boolean deleteCollection(String name) throws Exception {
        return client.grpcClient().collections()
                .delete(DeleteCollection.newBuilder().setCollectionName(name).build()).get().getResult();
    }

    private long count(Filter f) throws Exception {
        return client.countAsync(C, f, true).get();
    }

    private static Filter must(Condition c) {
        return Filter.newBuilder().addMust(c).build();
    }

    private static PointStruct point(long id, float x, float y, Map<String, Value> payload) {
        return PointStruct.newBuilder().setId(id(id)).setVectors(vectors(x, y)).putAllPayload(payload).build();
    }

    private static VectorParams cosine(int size) {
        return VectorParams.newBuilder().setSize(size).setDistance(Distance.Cosine).build();
    }

    private static AliasDescription alias(String alias, String collection) {
        return AliasDescription.newBuilder().setAliasName(alias).setCollectionName(collection).build();
    }

    /** The gRPC status code {@code call} failed with. */
    private static Status.Code code(Callable<?> call) {
        try {
            call.call();
        } catch (ExecutionException e) {
            return Status.fromThrowable(e.getCause()).getCode();
        } catch (Exception e) {
            throw new AssertionError("expected a failed gRPC call, got " + e, e);
        }
        throw new AssertionError("expected the call to fail");
    }
}
