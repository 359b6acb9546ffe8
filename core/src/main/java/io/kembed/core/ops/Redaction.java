package io.kembed.core.ops;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of logs and endpoints: configuration keys that name a password, secret, key material, token
 * or JAAS login (Kafka's {@code sasl.jaas.config}, {@code ssl.keystore.password}, a Qdrant API key, a Redis
 * password) have their values replaced by {@value #REDACTED}.
 */
public final class Redaction {

    public static final String REDACTED = "[redacted]";

    /** Matches the key names Kafka types as {@code PASSWORD} and the usual names of other credentials. */
    private static final Pattern SECRET_KEY = Pattern.compile(
            ".*(password|passwd|secret|jaas|token|credential|api[._-]?key|apikey|private[._-]?key|key\\.pem|"
                    + "keystore\\.key).*");

    private Redaction() {
    }

    /** @return true if the value of {@code key} must not be shown (case-insensitive) */
    public static boolean isSecret(String key) {
        return key != null && SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches();
    }

    /** @return a sorted copy of {@code properties} with every secret value replaced by {@value #REDACTED} */
    public static Map<String, Object> redact(Map<String, ?> properties) {
        Map<String, Object> out = new TreeMap<>();
        properties.forEach((k, v) -> out.put(k, isSecret(k) ? REDACTED : v));
        return out;
    }
}
