package io.kembed.core.ops;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checks a worker type supplies to an {@link OpsServer}, by name.
 *
 * @param readiness all must be up for {@code /ready} to answer 200: the worker can do its job now (model loaded,
 *     partitions assigned, store reachable). A Kubernetes readiness probe uses it.
 * @param liveness all must be up for {@code /live} to answer 200: the process is not stuck or dead inside (the
 *     Streams client is not in ERROR, the poll thread runs). A failing liveness probe restarts the container, so
 *     these checks must not depend on other services.
 */
public record WorkerHealth(Map<String, HealthCheck> readiness, Map<String, HealthCheck> liveness) {

    public WorkerHealth {
        readiness = Map.copyOf(readiness);
        liveness = Map.copyOf(liveness);
    }

    /** Both sets of checks; names of {@code other} replace equal names here. */
    public WorkerHealth and(WorkerHealth other) {
        Map<String, HealthCheck> r = new LinkedHashMap<>(readiness);
        r.putAll(other.readiness);
        Map<String, HealthCheck> l = new LinkedHashMap<>(liveness);
        l.putAll(other.liveness);
        return new WorkerHealth(r, l);
    }
}
