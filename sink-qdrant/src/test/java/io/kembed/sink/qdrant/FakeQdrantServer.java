package io.kembed.sink.qdrant;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A Qdrant stand-in for tests, on the gRPC server stubs shipped in {@code io.qdrant:client}, served in-process or on
 * a loopback port. It keeps collections in memory and behaves as Qdrant does for the RPCs kembed uses:
 * <ul>
 *   <li>Collections: Create (one unnamed dense vector, {@code Cosine} or {@code Dot}), Get, List, Delete,
 *       CollectionExists; UpdateAliases (create, delete, rename; all or none), ListAliases,
 *       ListCollectionAliases. An alias can stand for its collection in every point RPC.</li>
 *   <li>Points: Upsert (overwrites by id), Delete (by ids or by filter), Query and Search (exact brute-force
 *       nearest neighbours; Cosine scores are cosines, as Qdrant normalises vectors), Count (exact),
 *       CreateFieldIndex (recorded in the collection's payload schema).</li>
 *   <li>Filters: must / should / must_not, nested filters, has_id, is_empty, is_null, match keyword / integer /
 *       boolean / any / except, range.</li>
 * </ul>
 * Anything else answers {@code UNIMPLEMENTED}, so a test never passes on a silently ignored feature. Errors use
 * Qdrant's codes and messages: {@code NOT_FOUND} for a missing collection, {@code ALREADY_EXISTS} for a taken name,
 * {@code INVALID_ARGUMENT} for a vector of the wrong size.
 *
 * <p>Tests can make calls fail ({@link #failNextCalls}), slow ({@link #delayNextCalls}) or require an API key
 * ({@link #requireApiKey}), serve TLS ({@link #onLoopbackTls}), and read the API keys the calls carried
 * ({@link #apiKeysSeen}). Other modules can use it through this module's {@code test-jar}; they need
 * {@code io.grpc:grpc-inprocess} on their test classpath.
 */
public final class FakeQdrantServer implements AutoCloseable {

    /** The Qdrant version the fake reports in its health check: the minor of the client it was written for. */
    public static final String VERSION = "1.18.0";

    private final Server server;
    private final String inProcessName; // null when served on a loopback port
    private final FakeFaults faults;

    private FakeQdrantServer(Server server, String inProcessName, FakeFaults faults) {
        this.server = server;
        this.inProcessName = inProcessName;
        this.faults = faults;
    }

    /** Starts a fake reachable only from this JVM, through {@link #newChannel()}. */
    public static FakeQdrantServer inProcess() {
        String name = InProcessServerBuilder.generateName();
        FakeFaults faults = new FakeFaults();
        return start(InProcessServerBuilder.forName(name), name, faults);
    }

    /** Starts a fake on a free port of 127.0.0.1 (plaintext), for code that connects by host and port. */
    public static FakeQdrantServer onLoopback() {
        FakeFaults faults = new FakeFaults();
        return start(NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                null, faults);
    }

    /**
     * Starts a fake on a free port of 127.0.0.1 that speaks TLS only, with the PEM certificate chain and PKCS#8
     * private key given (for example a self-signed certificate for {@code localhost} and {@code 127.0.0.1}). A
     * client must trust the certificate; {@link #newChannel()} does not work on it.
     */
    public static FakeQdrantServer onLoopbackTls(java.io.File certificateChain, java.io.File privateKey) {
        FakeFaults faults = new FakeFaults();
        return start(NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .useTransportSecurity(certificateChain, privateKey), null, faults);
    }

    private static FakeQdrantServer start(io.grpc.ServerBuilder<?> builder, String name, FakeFaults faults) {
        FakeQdrantState state = new FakeQdrantState();
        builder.addService(ServerInterceptors.intercept(new FakeCollectionsService(state), faults))
                .addService(ServerInterceptors.intercept(new FakePointsService(state), faults))
                .addService(ServerInterceptors.intercept(new FakeHealthService(), faults));
        try {
            return new FakeQdrantServer(builder.build().start(), name, faults);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start FakeQdrantServer", e);
        }
    }

    /** The loopback port. @throws IllegalStateException for an in-process fake */
    public int port() {
        if (inProcessName != null) {
            throw new IllegalStateException("an in-process FakeQdrantServer has no port");
        }
        return server.getPort();
    }

    /** A new plaintext channel to this fake; the caller shuts it down. */
    public ManagedChannel newChannel() {
        return inProcessName != null
                ? InProcessChannelBuilder.forName(inProcessName).build()
                : ManagedChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build();
    }

    /** A client on a new channel, which closing the client shuts down. Checks versions, as a default client does. */
    public QdrantClient newClient() {
        return new QdrantClient(QdrantGrpcClient.newBuilder(newChannel(), true, true).build());
    }

    /** From now on, refuse calls without header {@code api-key: key} with {@code UNAUTHENTICATED}. */
    public void requireApiKey(String key) {
        faults.requireApiKey(key);
    }

    /**
     * The {@code api-key} header of every call received so far, refused ones included, in order ({@code "null"}
     * for a call without one): what a client really sent.
     */
    public java.util.List<String> apiKeysSeen() {
        return faults.apiKeysSeen();
    }

    /** Calls received over TLS so far. */
    public int tlsCalls() {
        return faults.tlsCalls();
    }

    /** Fails the next {@code calls} calls, of any RPC, with {@code status}. */
    public void failNextCalls(int calls, Status status) {
        faults.plan(calls, status);
    }

    /** Holds each of the next {@code calls} calls for {@code delay} before serving it. */
    public void delayNextCalls(int calls, Duration delay) {
        faults.plan(calls, delay);
    }

    /** Stops the server; calls in flight get up to 5 s to finish. */
    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
