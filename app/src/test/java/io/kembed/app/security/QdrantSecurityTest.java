package io.kembed.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.kembed.app.cli.StoreOptions;
import io.kembed.core.event.EntityKey;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import io.kembed.core.store.VectorPoint;
import io.kembed.core.store.VectorStore;
import io.kembed.core.store.VectorStoreException;
import io.kembed.sink.qdrant.FakeQdrantServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The Qdrant settings of every command that opens a store ({@code --store qdrant --qdrant-host --qdrant-port
 * --qdrant-tls --qdrant-api-key}, {@link StoreOptions}) reach the gRPC connection. No Qdrant server can run on the
 * build machines, so the server is {@link FakeQdrantServer} (a gRPC server on the generated stubs of
 * {@code io.qdrant:client}) on a loopback port, which refuses calls without the right {@code api-key} header, as
 * Qdrant does, and records the header of every call it receives; for TLS it listens with a self-signed certificate
 * made by openssl, which the client trusts through the JVM's trust store ({@code javax.net.ssl.trustStore}). Logs of
 * kembed, gRPC and the Qdrant client are captured at DEBUG: the key never appears, nor in the store's
 * {@code toString()} or the errors.
 */
class QdrantSecurityTest {

    private static final String API_KEY = "qdrant-Key-c0ffee42";
    private static final ModelSpec MODEL = ModelRegistry.get("all-minilm-l6-v2-q");
    private static final List<String> LOGGERS = List.of("io.kembed", "io.grpc", "io.qdrant");

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Map<String, Level> levels = new HashMap<>();
    private final List<String> printed = new ArrayList<>();

    /** A command with the store options, as {@code worker sink} and {@code search} have them. */
    @Command(name = "store-test")
    static final class StoreCommand {
        @Mixin
        StoreOptions store;
    }

    @BeforeEach
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        for (String name : LOGGERS) {
            Logger l = (Logger) LoggerFactory.getLogger(name);
            levels.put(name, l.getLevel());
            l.setLevel(Level.DEBUG);
        }
    }

    @AfterEach
    void restore() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        levels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
        System.clearProperty("javax.net.ssl.trustStore");
        System.clearProperty("javax.net.ssl.trustStorePassword");
        System.clearProperty("javax.net.ssl.trustStoreType");
        for (ILoggingEvent e : logs.list) {
            printed.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                    : ThrowableProxyUtil.asString(e.getThrowableProxy())));
        }
        assertThat(printed).as("log lines").allSatisfy(line -> assertThat(line).doesNotContain(API_KEY));
    }

    @Test
    void apiKeyOption_isSentAsTheApiKeyHeader_andAWrongOrMissingKeyIsRefused() {
        try (FakeQdrantServer qdrant = FakeQdrantServer.onLoopback()) {
            qdrant.requireApiKey(API_KEY);
            String port = Integer.toString(qdrant.port());

            try (VectorStore store = open("--qdrant-port", port, "--qdrant-api-key", API_KEY)) {
                writeAndCount(store);
                printed.add(store.toString());
            }
            assertThat(qdrant.apiKeysSeen()).isNotEmpty().containsOnly(API_KEY);

            assertThatThrownBy(() -> open("--qdrant-port", port, "--qdrant-api-key", "wrong-" + API_KEY))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("UNAUTHENTICATED")
                    .satisfies(e -> printed.add(e.toString()));
            assertThatThrownBy(() -> open("--qdrant-port", port)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("UNAUTHENTICATED");
            assertThat(qdrant.apiKeysSeen()).contains("wrong-" + API_KEY, "null");
        }
    }

    @Test
    void qdrantTls_encrypts_andTheApiKeyTravelsOnlyInsideIt() throws Exception {
        RedisServerProcess.TlsFiles cert = RedisServerProcess.TlsFiles.generate(dir); // localhost, 127.0.0.1
        try (FakeQdrantServer qdrant = FakeQdrantServer.onLoopbackTls(cert.cert().toFile(), cert.key().toFile())) {
            qdrant.requireApiKey(API_KEY);
            String port = Integer.toString(qdrant.port());

            // The certificate is not trusted yet: the handshake fails, so no call (and no key) gets through.
            assertThatThrownBy(() -> open("--qdrant-port", port, "--qdrant-tls", "--qdrant-api-key", API_KEY))
                    .isInstanceOf(VectorStoreException.class).hasMessageContaining("UNAVAILABLE");
            // A plaintext client on the TLS port gets nowhere either.
            assertThatThrownBy(() -> open("--qdrant-port", port, "--qdrant-api-key", API_KEY))
                    .isInstanceOf(VectorStoreException.class);
            assertThat(qdrant.apiKeysSeen()).isEmpty();

            trust(cert.cert());
            try (VectorStore store = open("--qdrant-port", port, "--qdrant-tls", "--qdrant-api-key", API_KEY)) {
                writeAndCount(store);
            }
            assertThat(qdrant.apiKeysSeen()).isNotEmpty().containsOnly(API_KEY);
            assertThat(qdrant.tlsCalls()).as("every call over TLS").isEqualTo(qdrant.apiKeysSeen().size());
        }
    }

    private static VectorStore open(String... qdrantArgs) {
        StoreCommand command = new StoreCommand();
        List<String> args = new ArrayList<>(List.of("--store", "qdrant", "--qdrant-host", "localhost",
                "--collection", "security-test"));
        args.addAll(List.of(qdrantArgs));
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        return command.store.open(MODEL);
    }

    private static void writeAndCount(VectorStore store) {
        float[] v = new float[MODEL.dims()];
        v[0] = 1;
        store.upsert(List.of(new VectorPoint(EntityKey.document("t1", "d1"), 0, 1, MODEL.id(), v, "t", "s")));
        assertThat(store.count("t1")).isEqualTo(1);
    }

    private void trust(Path certificate) throws Exception {
        Path trustStore = dir.resolve("truststore.p12");
        Process keytool = new ProcessBuilder("keytool", "-importcert", "-noprompt", "-alias", "qdrant", "-file",
                certificate.toString(), "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass",
                "changeit").redirectErrorStream(true).redirectOutput(dir.resolve("keytool.out").toFile()).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as("keytool").isTrue();
        System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    }
}
