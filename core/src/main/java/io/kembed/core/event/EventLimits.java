package io.kembed.core.event;

/**
 * Bounds a change event must respect to be accepted.
 *
 * @param maxTextBytes largest embeddable text, in UTF-8 bytes (default 262,144 = 256 KiB: about 60k tokens,
 *     or ~120 chunks of a 512-token model; Kafka's default 1 MB record limit leaves room for the rest)
 * @param maxIdChars longest tenant or entity id, in chars (default 256)
 * @param maxTags most tags on a contact (default 256)
 */
public record EventLimits(int maxTextBytes, int maxIdChars, int maxTags) {

    public static final EventLimits DEFAULT = new EventLimits(256 * 1024, 256, 256);

    public EventLimits {
        if (maxTextBytes < 1 || maxIdChars < 1 || maxTags < 0) {
            throw new IllegalArgumentException("limits must be positive: " + maxTextBytes + ", " + maxIdChars
                    + ", " + maxTags);
        }
    }
}
