package io.kembed.producer.imports;

/**
 * What an import did. After a complete import {@code read == published + rejected + blank}; after an aborted one
 * (see {@link ImportException}) {@code failed} counts the events that were sent but never acknowledged.
 *
 * @param read lines read, blank ones included
 * @param published events acknowledged by the broker
 * @param rejected lines written to the rejects file
 * @param blank empty or whitespace-only lines, skipped
 * @param failed events whose send failed for a reason not tied to the record (broker unreachable past the
 *     delivery timeout, authorisation); 0 unless the import was aborted
 * @param bytes input file bytes read (compressed bytes for gzip)
 * @param elapsedMs wall-clock time of the import, in ms, counting pass and final flush included
 */
public record ImportSummary(long read, long published, long rejected, long blank, long failed, long bytes,
        long elapsedMs) {

    /** Published events per second of {@code elapsedMs}; 0 if no time elapsed. */
    public double eventsPerSecond() {
        return elapsedMs <= 0 ? 0 : published * 1000.0 / elapsedMs;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "%,d lines read: %,d published, %,d rejected, %,d blank%s; %,d bytes in %.1f s (%,.0f events/s)",
                read, published, rejected, blank, failed > 0 ? ", " + failed + " failed" : "", bytes,
                elapsedMs / 1000.0, eventsPerSecond());
    }
}
