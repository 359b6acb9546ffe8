package io.kembed.app.reliability;

import io.kembed.core.event.ChangeEvent;
import io.kembed.core.event.EntityKey;
import io.kembed.core.event.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every change event a fault scenario published, per entity in publication order (one entity's events share a key,
 * so a partition, so the embed worker sees them in this order), and the store state they must leave.
 *
 * <p>The expected state follows the embed worker's rules, computed here independently: an event is <em>accepted</em>
 * when its version is higher than every earlier one of its entity (an equal version is a duplicate, a lower one
 * stale); the source's latest state is the last accepted event. A deleted entity must hold no point and a delete
 * marker at that version. A live entity must hold exactly its latest text, at a version of the trailing run of
 * accepted upserts with that same text: an upsert whose text is unchanged produces no new vector, so the store may
 * keep the run's first version, or a later one of the run when the worker had not embedded the first yet.
 * Thread-safe.
 */
final class SourceLedger {

    private final Map<EntityKey, List<ChangeEvent>> byEntity = new LinkedHashMap<>();
    private long events;

    synchronized void add(ChangeEvent event) {
        byEntity.computeIfAbsent(event.key(), k -> new ArrayList<>()).add(event);
        events++;
    }

    /** Forgets one publication of {@code event} (this very instance): its send failed, so it never reached Kafka. */
    synchronized void failed(ChangeEvent event) {
        List<ChangeEvent> list = byEntity.get(event.key());
        for (int i = list.size() - 1; i >= 0; i--) {
            if (list.get(i) == event) {
                list.remove(i);
                events--;
                return;
            }
        }
    }

    /** Events published, duplicates and out-of-order ones included. */
    synchronized long events() {
        return events;
    }

    /** Events the embed worker must drop as duplicate or stale: version not above every earlier one of the entity. */
    synchronized long notAccepted() {
        long n = 0;
        for (List<ChangeEvent> list : byEntity.values()) {
            long max = -1;
            for (ChangeEvent e : list) {
                if (e.version() <= max) {
                    n++;
                }
                max = Math.max(max, e.version());
            }
        }
        return n;
    }

    /** The state every entity published so far must have in the store. */
    synchronized Map<EntityKey, Expected> expected() {
        Map<EntityKey, Expected> out = new LinkedHashMap<>();
        byEntity.forEach((key, list) -> out.put(key, expectedOf(list)));
        return Collections.unmodifiableMap(out);
    }

    static Expected expectedOf(List<ChangeEvent> published) {
        List<ChangeEvent> accepted = new ArrayList<>();
        long max = -1;
        for (ChangeEvent e : published) {
            if (e.version() > max) {
                accepted.add(e);
                max = e.version();
            }
        }
        ChangeEvent last = accepted.get(accepted.size() - 1);
        if (last.op() == Op.DELETE) {
            return new Expected(last.key(), true, last.version(), last.version(), null);
        }
        String title = last.displayTitle();
        String text = last.embeddableText();
        long minVersion = last.version();
        for (int i = accepted.size() - 2; i >= 0; i--) {
            ChangeEvent e = accepted.get(i);
            if (e.op() == Op.DELETE || !e.embeddableText().equals(text)) {
                break;
            }
            minVersion = e.version();
        }
        return new Expected(last.key(), false, minVersion, last.version(), title);
    }

    /**
     * @param deleted whether the latest state is a delete
     * @param minVersion lowest version the store may hold the entity at
     * @param latestVersion the source's latest version
     * @param title the latest upsert's display title (it carries the text revision), null for a delete
     */
    record Expected(EntityKey key, boolean deleted, long minVersion, long latestVersion, String title) {
    }
}
