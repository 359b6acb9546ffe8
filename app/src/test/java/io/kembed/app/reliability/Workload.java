package io.kembed.app.reliability;

import io.kembed.core.event.ChangeEvent;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.event.DocumentEvent;
import io.kembed.core.event.EntityKey;
import io.kembed.core.event.EntityType;
import io.kembed.producer.ChangePublisher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The upstream application of a fault scenario: contacts and documents of a few tenants, created, then updated in
 * rounds. Each update is a new version; one in {@value #TEXT_CHANGE_ONE_IN} changes the embedded text (the others
 * keep it, so the worker skips them as unchanged and the suite stays within its time budget), one in
 * {@value #DELETE_ONE_IN} deletes a live entity, and a deleted entity touched again is re-created. Texts are a few
 * words (one chunk each); the display title carries the text revision, so the audit can tell versions apart.
 *
 * <p>Faults on the producer side ({@link #duplicateOneIn}, {@link #reorderOneIn}): an event published twice, and
 * two consecutive versions published newest first. Everything published is recorded in the {@link SourceLedger}.
 * Not thread-safe: one publishing thread.
 */
final class Workload {

    static final int TEXT_CHANGE_ONE_IN = 3;
    static final int DELETE_ONE_IN = 8;

    private final ChangePublisher publisher;
    private final SourceLedger ledger = new SourceLedger();
    private final Random random;
    private final List<Entity> entities = new ArrayList<>();
    private int duplicateOneIn;
    private int reorderOneIn;
    private long duplicatesInjected;
    private long reordersInjected;
    private final java.util.concurrent.atomic.AtomicLong failedSends = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param tenants tenant ids, each with {@code perTenant} entities (one in four a document)
     */
    Workload(ChangePublisher publisher, long seed, List<String> tenants, int perTenant) {
        this.publisher = publisher;
        this.random = new Random(seed);
        for (String tenant : tenants) {
            for (int i = 0; i < perTenant; i++) {
                entities.add(new Entity(i % 4 == 3 ? EntityKey.document(tenant, "d" + i)
                        : EntityKey.contact(tenant, "c" + i)));
            }
        }
    }

    /** Publishes one event in {@code n} twice (the second a duplicate of the same version); 0 turns it off. */
    Workload duplicateOneIn(int n) {
        this.duplicateOneIn = n;
        return this;
    }

    /** Publishes one pair of versions in {@code n} newest first (the older then arrives stale); 0 turns it off. */
    Workload reorderOneIn(int n) {
        this.reorderOneIn = n;
        return this;
    }

    SourceLedger ledger() {
        return ledger;
    }

    /** Events published so far. */
    long events() {
        return ledger.events();
    }

    long duplicatesInjected() {
        return duplicatesInjected;
    }

    long reordersInjected() {
        return reordersInjected;
    }

    /** Version 1 of every entity. */
    void createAll() {
        for (Entity e : entities) {
            send(e.next(random, true));
        }
    }

    /**
     * The next version of {@code fraction} of the entities, chosen at random.
     *
     * @return events published
     */
    long round(double fraction) {
        long before = ledger.events();
        List<Entity> shuffled = new ArrayList<>(entities);
        Collections.shuffle(shuffled, random);
        for (Entity e : shuffled.subList(0, (int) Math.ceil(shuffled.size() * fraction))) {
            if (reorderOneIn > 0 && random.nextInt(reorderOneIn) == 0) {
                ChangeEvent older = e.next(random, false);
                ChangeEvent newer = e.next(random, false);
                send(newer);
                send(older); // arrives after a higher version: the worker must ignore it
                reordersInjected++;
            } else {
                send(e.next(random, false));
            }
        }
        return ledger.events() - before;
    }

    /** Publishes rounds until at least {@code events} more events went out. */
    void roundsUntil(long events, double fraction) {
        long target = ledger.events() + events;
        while (ledger.events() < target) {
            round(fraction);
        }
    }

    void flush() {
        publisher.flush();
    }

    /** Sends that failed (never reached Kafka); the ledger forgets them. */
    long failedSends() {
        return failedSends.get();
    }

    private void send(ChangeEvent event) {
        publishAndRecord(event);
        if (duplicateOneIn > 0 && random.nextInt(duplicateOneIn) == 0) {
            publishAndRecord(event); // an at-least-once upstream retrying a send
            duplicatesInjected++;
        }
    }

    private void publishAndRecord(ChangeEvent event) {
        ledger.add(event);
        publisher.publish(event).whenComplete((metadata, error) -> {
            if (error != null) {
                failedSends.incrementAndGet();
                ledger.failed(event);
            }
        });
    }

    /** One entity's source state. */
    private static final class Entity {
        private final EntityKey key;
        private long version;
        private int textRevision;
        private boolean deleted;

        Entity(EntityKey key) {
            this.key = key;
        }

        ChangeEvent next(Random random, boolean create) {
            version++;
            if (create) {
                return upsert();
            }
            if (deleted) {
                deleted = false;
                textRevision++; // re-created with a new text
                return upsert();
            }
            if (random.nextInt(DELETE_ONE_IN) == 0) {
                deleted = true;
                return key.type() == EntityType.CONTACT ? ContactEvent.delete(key.tenantId(), key.id(), version)
                        : DocumentEvent.delete(key.tenantId(), key.id(), version);
            }
            if (random.nextInt(TEXT_CHANGE_ONE_IN) == 0) {
                textRevision++;
            }
            return upsert();
        }

        private ChangeEvent upsert() {
            String id = key.id();
            String topic = TOPICS[Math.floorMod((id + textRevision).hashCode(), TOPICS.length)];
            if (key.type() == EntityType.CONTACT) {
                return ContactEvent.upsert(key.tenantId(), id, version, "Person " + id, "Org " + id,
                        "Role r" + textRevision, "Works on " + topic + ".", null);
            }
            return DocumentEvent.upsert(key.tenantId(), id, version, "Doc " + id + " r" + textRevision,
                    "Notes about " + topic + ".");
        }
    }

    private static final String[] TOPICS = {"wind energy", "fisheries", "rail freight", "banking rules",
        "farm policy", "data privacy", "steel trade", "public health", "ports", "water quality"};
}
