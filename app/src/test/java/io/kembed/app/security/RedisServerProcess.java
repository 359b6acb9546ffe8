package io.kembed.app.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of the test's own (the one installed on the machine, {@code /usr/bin/redis-server} or on
 * the {@code PATH}), on free loopback ports, with {@code requirepass} and optionally a TLS port, no persistence.
 * Killed (by its own process handle) on close.
 */
final class RedisServerProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final int tlsPort;
    private final Path log;

    private RedisServerProcess(Process process, int port, int tlsPort, Path log) {
        this.process = process;
        this.port = port;
        this.tlsPort = tlsPort;
        this.log = log;
    }

    /**
     * Starts a server requiring {@code password}.
     *
     * @param tls PEM certificate, key and CA files for a TLS port, or null for none
     * @throws IllegalStateException if it does not answer within 10 s
     */
    static RedisServerProcess start(String password, TlsFiles tls, Path dir) throws IOException,
            InterruptedException {
        int port = freePort();
        int tlsPort = tls == null ? -1 : freePort();
        Path log = dir.resolve("redis-" + port + ".log");
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--requirepass", password, "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--logfile", log.toString()));
        if (tls != null) {
            cmd.addAll(List.of("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", tls.cert().toString(),
                    "--tls-key-file", tls.key().toString(), "--tls-ca-cert-file", tls.cert().toString(),
                    "--tls-auth-clients", "no"));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis-" + port + ".out").toFile()).start();
        RedisServerProcess server = new RedisServerProcess(p, port, tlsPort, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + server.logText());
            }
            if (accepts(port) && (tls == null || accepts(tlsPort))) {
                return server;
            }
            Thread.sleep(50);
        }
        server.close();
        throw new IllegalStateException("redis-server did not start in 10 s: " + server.logText());
    }

    /** A self-signed certificate for {@code localhost} and 127.0.0.1 and its key, PEM files. */
    record TlsFiles(Path cert, Path key) {

        /** Makes them with {@code openssl req -x509}. */
        static TlsFiles generate(Path dir) throws IOException, InterruptedException {
            Path cert = dir.resolve("redis.crt");
            Path key = dir.resolve("redis.key");
            Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("openssl.out").toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl failed: " + Files.readString(dir.resolve("openssl.out")));
            }
            return new TlsFiles(cert, key);
        }
    }

    /** Whether the installed redis-server was built with TLS ({@code --tls-port} known). */
    static boolean supportsTls() {
        try {
            Process p = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
            String version = new String(p.getInputStream().readAllBytes());
            p.waitFor(10, TimeUnit.SECONDS);
            // Debian's build links OpenSSL; a build without it refuses --tls-port at start instead. 6.0+ has TLS.
            return version.contains("Redis server v=") && !version.contains("v=5.");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    int port() {
        return port;
    }

    int tlsPort() {
        return tlsPort;
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
