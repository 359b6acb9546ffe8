package io.kembed.core.requestreply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RequestReplyIT {

    private static EmbeddedKafka kafka;
    private static Admin admin;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        admin.close();
        kafka.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Upper-cases each payload; "boom" makes the whole batch throw; "slow" sleeps 1.5 s. */
    private static final class Upper implements RequestHandler {
        final List<Integer> batchSizes = new ArrayList<>();

        @Override
        public List<Reply> handle(List<Request> requests) {
            batchSizes.add(requests.size());
            List<Reply> replies = new ArrayList<>();
            for (Request r : requests) {
                String p = text(r.payload());
                if (p.equals("boom")) {
                    throw new IllegalStateException("model exploded");
                }
                if (p.equals("slow")) {
                    try {
                        Thread.sleep(1_500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                replies.add(r.reply(utf8(p.toUpperCase(java.util.Locale.ROOT))));
            }
            return replies;
        }

        @Override
        public byte[] failurePayload(Request request, RuntimeException failure) {
            return utf8("error:" + failure.getMessage());
        }
    }

    private static RequestServer server(String topic, RequestHandler handler) {
        return RequestServer.start(new RequestServer.Config(kafka.bootstrapServers(), topic, "g-" + topic, 32,
                Map.of()), handler);
    }

    private static ReplyingClient client(String replyTopic) {
        ReplyTopics.ensure(admin, replyTopic, 1, (short) -1);
        return new ReplyingClient(new ReplyingClient.Config(kafka.bootstrapServers(), replyTopic, 0, Map.of()));
    }

    @Test
    void roundTrip_repliesToTheRightRequest_andHandlerFailureGivesErrorReplies() throws Exception {
        ReplyTopics.ensure(admin, "t1.requests", 2, (short) -1);
        try (RequestServer server = server("t1.requests", new Upper()); ReplyingClient client = client("t1.replies")) {
            List<CompletableFuture<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                futures.add(client.request("t1.requests", utf8("k" + i), utf8("hello " + i), Duration.ofSeconds(20)));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(text(futures.get(i).get(30, TimeUnit.SECONDS))).isEqualTo("HELLO " + i);
            }
            byte[] error = client.request("t1.requests", null, utf8("boom"), Duration.ofSeconds(20))
                    .get(30, TimeUnit.SECONDS);
            assertThat(text(error)).isEqualTo("error:model exploded");
            assertThat(server.counters().handlerFailures()).isEqualTo(1);
            assertThat(client.counters().replied()).isEqualTo(21);
            assertThat(client.counters().late()).isZero();
            assertThat(client.counters().pending()).isZero();
        }
    }

    @Test
    void expiredRequest_isDropped_andTheClientTimesOut_withTheTypedException_thenTheLateReplyIsCounted()
            throws Exception {
        ReplyTopics.ensure(admin, "t2.requests", 1, (short) -1);
        try (RequestServer server = server("t2.requests", new Upper()); ReplyingClient client = client("t2.replies")) {
            // warm up: the server has joined its group once this is answered
            client.request("t2.requests", null, utf8("x"), Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS);
            // a 1 ms deadline has passed by the time the server polls it
            CompletableFuture<byte[]> expired = client.request("t2.requests", null, utf8("y"), Duration.ofMillis(1));
            assertThatThrownBy(() -> expired.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(RequestTimeoutException.class);
            waitFor(() -> server.counters().expired() == 1);
            // a reply that comes after its timeout: the server takes 1.5 s, the client waits 300 ms
            CompletableFuture<byte[]> slow = client.request("t2.requests", null, utf8("slow"), Duration.ofMillis(300));
            assertThatThrownBy(() -> slow.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(RequestTimeoutException.class);
            waitFor(() -> client.counters().late() == 1);
            assertThat(client.counters().timedOut()).isEqualTo(2);
        }
    }

    @Test
    void malformedRecord_isCounted_andTheServerKeepsServing() throws Exception {
        ReplyTopics.ensure(admin, "t3.requests", 1, (short) -1);
        try (RequestServer server = server("t3.requests", new Upper()); ReplyingClient client = client("t3.replies");
                KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(
                        Map.of("bootstrap.servers", kafka.bootstrapServers()), new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>("t3.requests", utf8("no headers"))).get();
            assertThat(text(client.request("t3.requests", null, utf8("ok"), Duration.ofSeconds(20))
                    .get(30, TimeUnit.SECONDS))).isEqualTo("OK");
            waitFor(() -> server.counters().malformed() == 1);
        }
    }

    @Test
    void twoClientsOnOneSharedReplyTopic_eachReadOnlyTheRepliesToItsOwnPartition() throws Exception {
        ReplyTopics.ensure(admin, "t4.requests", 2, (short) -1);
        ReplyTopics.ensure(admin, "t4.replies", 2, (short) -1);
        try (RequestServer server = server("t4.requests", new Upper());
                ReplyingClient a = new ReplyingClient(
                        new ReplyingClient.Config(kafka.bootstrapServers(), "t4.replies", 0, Map.of()));
                ReplyingClient b = new ReplyingClient(
                        new ReplyingClient.Config(kafka.bootstrapServers(), "t4.replies", 1, Map.of()))) {
            List<CompletableFuture<byte[]>> fa = new ArrayList<>();
            List<CompletableFuture<byte[]>> fb = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                fa.add(a.request("t4.requests", utf8("a" + i), utf8("a" + i), Duration.ofSeconds(20)));
                fb.add(b.request("t4.requests", utf8("b" + i), utf8("b" + i), Duration.ofSeconds(20)));
            }
            for (int i = 0; i < 10; i++) {
                assertThat(text(fa.get(i).get(30, TimeUnit.SECONDS))).isEqualTo("A" + i);
                assertThat(text(fb.get(i).get(30, TimeUnit.SECONDS))).isEqualTo("B" + i);
            }
            // a reply read by the wrong client would show up as late there
            assertThat(a.counters().late()).isZero();
            assertThat(b.counters().late()).isZero();
            waitFor(() -> server.counters().replied() == 20); // counted in the send callback, after the ack
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 15 s");
            }
            Thread.sleep(20);
        }
    }
}
