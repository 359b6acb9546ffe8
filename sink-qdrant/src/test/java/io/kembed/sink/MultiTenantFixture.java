package io.kembed.sink;

import io.kembed.core.event.EntityKey;
import io.kembed.core.store.SearchHit;
import io.kembed.core.store.VectorPoint;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Seeded multi-tenant data for tenant-isolation tests, shared by the store contract, the SearchClient tests and the
 * app's {@code TenantIsolationIT}: the same seed gives the same tenants, points and queries, so a failure is
 * reproduced by rerunning with {@code -Dkembed.isolation.seed=<seed>} (every test prints the seed it used).
 *
 * <p>The data is built to make a leak likely if the tenant filter were missing or lossy:
 * <ul>
 *   <li>tenant ids that a careless key, filter or cache key would confuse: prefixes of each other ({@code acme},
 *       {@code acme2}, {@code acm}), case variants, separators used by kembed's own keys ({@code /}, {@code :},
 *       space, {@code +}, {@code %2F}), the same accented name in NFC and NFD, CJK, emoji, wildcard-looking
 *       {@code *} and {@code ?}; plus random ids drawn from those characters, each with one of its prefixes;</li>
 *   <li>every tenant's entities reuse the same ids ({@code doc-0}, {@code doc-1}, ...), across both entity types;</li>
 *   <li>vectors are drawn from a small shared pool ({@link #POOL_SIZE}), so a query vector has exact ties in many
 *       tenants: an unfiltered nearest-neighbour search would return other tenants' points first or tied;</li>
 *   <li>some tenants ({@link #emptyTenants()}) own no points but are prefixes or case variants of tenants that do.</li>
 * </ul>
 */
public final class MultiTenantFixture {

    /** System property that fixes the seed; otherwise each run draws a new one (and prints it). */
    public static final String SEED_PROPERTY = "kembed.isolation.seed";

    /** Distinct vectors shared by all tenants' points: few enough that most queries tie across tenants. */
    public static final int POOL_SIZE = 12;

    /** Tenant ids that exercise prefixes, case, separators, encodings and normalisation forms. */
    public static final List<String> AWKWARD_TENANTS = List.of("acme", "acme2", "Acme", "ACME", "acme/eu", "acme eu",
            "acme:eu", "acme+eu", "acme%2Feu", "acme*", "acme?", Normalizer.normalize("acmé", Normalizer.Form.NFC),
            Normalizer.normalize("acmé", Normalizer.Form.NFD), "租户", "租户/一", "🚀tenant", "gen:acme", "res:acme");

    /** Owned by nobody: a search for these must find nothing, although each resembles a tenant with points. */
    private static final List<String> EMPTY_TENANTS = List.of("acm", "ACMe", "acme/", "acme/eu/x", "租");

    private static final String ALPHABET = "aAbB09-_./: +%*é租🚀";

    private final long seed;
    private final int dims;
    private final List<String> tenants;
    private final List<float[]> pool;
    private final List<VectorPoint> points;
    private final Map<String, List<VectorPoint>> byTenant;

    private MultiTenantFixture(long seed, int dims, List<String> tenants, List<float[]> pool,
            List<VectorPoint> points) {
        this.seed = seed;
        this.dims = dims;
        this.tenants = List.copyOf(tenants);
        this.pool = pool;
        this.points = List.copyOf(points);
        Map<String, List<VectorPoint>> grouped = new HashMap<>();
        for (VectorPoint p : points) {
            grouped.computeIfAbsent(p.entity().tenantId(), t -> new ArrayList<>()).add(p);
        }
        this.byTenant = grouped;
    }

    /** The seed from {@value #SEED_PROPERTY}, or a fresh random one. */
    public static long seedFromPropertyOrRandom() {
        String fixed = System.getProperty(SEED_PROPERTY);
        return fixed == null || fixed.isBlank() ? new Random().nextLong() : Long.parseLong(fixed.strip());
    }

    /**
     * Generates the data.
     *
     * @param seed the seed; the same seed gives the same data
     * @param randomTenants tenants drawn at random, in addition to {@link #AWKWARD_TENANTS} (each also adds one of
     *     its own prefixes)
     * @param points points in all, spread unevenly over the tenants; chunk 0 of entities {@code doc-<n>}
     * @param dims vector dimensions, {@code float[dims]}
     * @param modelId model id written on every point
     */
    public static MultiTenantFixture generate(long seed, int randomTenants, int points, int dims, String modelId) {
        Random random = new Random(seed);
        Set<String> tenants = new LinkedHashSet<>(AWKWARD_TENANTS);
        while (tenants.size() < AWKWARD_TENANTS.size() + 2 * randomTenants) {
            String t = randomId(random, 2 + random.nextInt(10));
            if (tenants.add(t)) { // and a strict prefix of it, so "prefix of another tenant" is common
                String prefix = t.substring(0, t.offsetByCodePoints(0,
                        1 + random.nextInt(t.codePointCount(0, t.length()) - 1)));
                if (!prefix.isBlank()) {
                    tenants.add(prefix);
                }
            }
        }
        tenants.removeAll(EMPTY_TENANTS);
        List<String> tenantList = new ArrayList<>(tenants);
        List<float[]> pool = new ArrayList<>();
        for (int i = 0; i < POOL_SIZE; i++) {
            pool.add(unit(random, dims));
        }
        // Uneven sizes: tenants earlier in a shuffled order get more points (a skewed share, as in production).
        List<String> weighted = new ArrayList<>(tenantList);
        Collections.shuffle(weighted, random);
        Map<String, Integer> nextId = new HashMap<>();
        List<VectorPoint> out = new ArrayList<>();
        for (String t : tenantList) { // every tenant owns at least one point
            out.add(point(t, nextId, pool, random, modelId));
        }
        while (out.size() < points) {
            String t = weighted.get((int) (weighted.size() * Math.pow(random.nextDouble(), 2)));
            out.add(point(t, nextId, pool, random, modelId));
        }
        return new MultiTenantFixture(seed, dims, tenantList, pool, out);
    }

    private static VectorPoint point(String tenant, Map<String, Integer> nextId, List<float[]> pool, Random random,
            String modelId) {
        int n = nextId.merge(tenant, 1, Integer::sum) - 1;
        EntityKey key = n % 3 == 2 ? EntityKey.contact(tenant, "doc-" + n) : EntityKey.document(tenant, "doc-" + n);
        float[] v = pool.get(random.nextInt(pool.size())).clone();
        return new VectorPoint(key, 0, 1 + random.nextInt(5), modelId, v, "title " + n, "snippet " + n);
    }

    private static String randomId(Random random, int codePoints) {
        int[] alphabet = ALPHABET.codePoints().toArray();
        StringBuilder b = new StringBuilder();
        while (b.codePointCount(0, b.length()) < codePoints) {
            b.appendCodePoint(alphabet[random.nextInt(alphabet.length)]);
        }
        String s = b.toString();
        return s.isBlank() ? "x" + s : s; // ids must not be blank
    }

    private static float[] unit(Random random, int dims) {
        float[] v = new float[dims];
        double norm = 0;
        for (int i = 0; i < dims; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < dims; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    /** The seed this data was generated from. */
    public long seed() {
        return seed;
    }

    /** Vector dimensions. */
    public int dims() {
        return dims;
    }

    /** Every tenant owning points, awkward ones first. */
    public List<String> tenants() {
        return tenants;
    }

    /** Tenants owning no points, each close to one that does (prefix, case, trailing separator). */
    public List<String> emptyTenants() {
        return EMPTY_TENANTS;
    }

    /** Every point, in generation order. */
    public List<VectorPoint> points() {
        return points;
    }

    /** The points of {@code tenant} (empty for an unknown tenant). */
    public List<VectorPoint> pointsOf(String tenant) {
        return byTenant.getOrDefault(tenant, List.of());
    }

    /** A query vector: one of the shared pool's vectors (so it ties across tenants), picked by {@code random}. */
    public float[] query(Random random) {
        return pool.get(random.nextInt(pool.size())).clone();
    }

    /** The shared vector pool, {@code [POOL_SIZE][dims]}. */
    public List<float[]> pool() {
        return pool;
    }

    /**
     * Hits that are not {@code tenant}'s own points: another tenant's, or points the tenant does not hold (an empty
     * list means isolation held for this search).
     */
    public List<String> foreignHits(String tenant, List<SearchHit> hits) {
        Set<EntityKey> own = new java.util.HashSet<>();
        pointsOf(tenant).forEach(p -> own.add(p.entity()));
        List<String> foreign = new ArrayList<>();
        for (SearchHit h : hits) {
            if (!h.entity().tenantId().equals(tenant) || !own.contains(h.entity())) {
                foreign.add(h.entity() + "#" + h.chunk());
            }
        }
        return foreign;
    }

    /** A line for test output: the seed and how to rerun with it. */
    public String describe() {
        return String.format(Locale.ROOT, "multi-tenant data: seed %d (rerun with -D%s=%d), %d tenants, %d points",
                seed, SEED_PROPERTY, seed, tenants.size(), points.size());
    }
}
