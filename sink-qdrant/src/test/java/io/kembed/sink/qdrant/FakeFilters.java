package io.kembed.sink.qdrant;

import io.grpc.Status;
import io.qdrant.client.grpc.Common.Condition;
import io.qdrant.client.grpc.Common.FieldCondition;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.Match;
import io.qdrant.client.grpc.Common.Range;
import io.qdrant.client.grpc.JsonWithInt.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluates Qdrant {@link Filter}s on a point the way Qdrant does, for the conditions the fake supports:
 * {@code must} / {@code should} / {@code must_not}, nested filters, {@code has_id}, {@code is_empty},
 * {@code is_null}, and field conditions with {@code match} (keyword, integer, boolean, keywords, integers, and their
 * {@code except_} forms) or {@code range}. A payload array matches if any element does, as in Qdrant. Anything
 * else fails the call with {@code UNIMPLEMENTED}: a filter is never ignored.
 */
final class FakeFilters {

    private FakeFilters() {
    }

    /** @return whether {@code point} passes {@code filter}; an empty filter passes everything */
    static boolean matches(Filter filter, FakeCollection.StoredPoint point) {
        if (filter.hasMinShould()) {
            throw unsupported("filter min_should");
        }
        for (Condition c : filter.getMustList()) {
            if (!matches(c, point)) {
                return false;
            }
        }
        for (Condition c : filter.getMustNotList()) {
            if (matches(c, point)) {
                return false;
            }
        }
        if (filter.getShouldCount() == 0) {
            return true;
        }
        for (Condition c : filter.getShouldList()) {
            if (matches(c, point)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Condition c, FakeCollection.StoredPoint point) {
        switch (c.getConditionOneOfCase()) {
            case FIELD:
                return matches(c.getField(), point.payload());
            case FILTER:
                return matches(c.getFilter(), point);
            case HAS_ID:
                return c.getHasId().getHasIdList().stream().map(FakeCollection::key)
                        .anyMatch(point.key()::equals);
            case IS_EMPTY:
                return values(point.payload(), c.getIsEmpty().getKey()).stream().allMatch(Value::hasNullValue);
            case IS_NULL:
                Value v = point.payload().get(checkKey(c.getIsNull().getKey()));
                return v != null && v.hasNullValue();
            default:
                throw unsupported("condition " + c.getConditionOneOfCase());
        }
    }

    private static boolean matches(FieldCondition f, Map<String, Value> payload) {
        if (f.hasGeoBoundingBox() || f.hasGeoRadius() || f.hasGeoPolygon() || f.hasValuesCount()
                || f.hasDatetimeRange() || f.hasIsEmpty() || f.hasIsNull()) {
            throw unsupported("field condition on '" + f.getKey() + "' other than match or range");
        }
        if (f.hasMatch() == f.hasRange()) {
            throw Status.INVALID_ARGUMENT.withDescription("Wrong input: field condition on '" + f.getKey()
                    + "' must have exactly one of match or range").asRuntimeException();
        }
        List<Value> values = values(payload, f.getKey());
        if (f.hasMatch()) {
            return matchesAny(f.getMatch(), values);
        }
        return values.stream().anyMatch(v -> inRange(f.getRange(), v));
    }

    private static boolean matchesAny(Match m, List<Value> values) {
        switch (m.getMatchValueCase()) {
            case KEYWORD:
                return values.stream().anyMatch(v -> v.hasStringValue() && v.getStringValue().equals(m.getKeyword()));
            case INTEGER:
                return values.stream().anyMatch(v -> v.hasIntegerValue() && v.getIntegerValue() == m.getInteger());
            case BOOLEAN:
                return values.stream().anyMatch(v -> v.hasBoolValue() && v.getBoolValue() == m.getBoolean());
            case KEYWORDS:
                return values.stream().anyMatch(v -> v.hasStringValue()
                        && m.getKeywords().getStringsList().contains(v.getStringValue()));
            case INTEGERS:
                return values.stream().anyMatch(v -> v.hasIntegerValue()
                        && m.getIntegers().getIntegersList().contains(v.getIntegerValue()));
            case EXCEPT_KEYWORDS:
                return values.stream().anyMatch(v -> v.hasStringValue()
                        && !m.getExceptKeywords().getStringsList().contains(v.getStringValue()));
            case EXCEPT_INTEGERS:
                return values.stream().anyMatch(v -> v.hasIntegerValue()
                        && !m.getExceptIntegers().getIntegersList().contains(v.getIntegerValue()));
            default:
                throw unsupported("match " + m.getMatchValueCase());
        }
    }

    private static boolean inRange(Range r, Value v) {
        double x;
        if (v.hasIntegerValue()) {
            x = v.getIntegerValue();
        } else if (v.hasDoubleValue()) {
            x = v.getDoubleValue();
        } else {
            return false;
        }
        return (!r.hasLt() || x < r.getLt()) && (!r.hasGt() || x > r.getGt())
                && (!r.hasLte() || x <= r.getLte()) && (!r.hasGte() || x >= r.getGte());
    }

    /** The values at top-level key {@code key}, an array flattened to its elements; empty if absent. */
    private static List<Value> values(Map<String, Value> payload, String key) {
        Value v = payload.get(checkKey(key));
        if (v == null) {
            return List.of();
        }
        if (!v.hasListValue()) {
            return List.of(v);
        }
        return new ArrayList<>(v.getListValue().getValuesList());
    }

    private static String checkKey(String key) {
        if (key.contains(".") || key.contains("[")) {
            throw unsupported("nested payload key '" + key + "'");
        }
        return key;
    }

    static RuntimeException unsupported(String feature) {
        return Status.UNIMPLEMENTED.withDescription("FakeQdrantServer does not support " + feature)
                .asRuntimeException();
    }
}
