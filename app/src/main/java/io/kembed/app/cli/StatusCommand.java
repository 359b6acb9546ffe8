package io.kembed.app.cli;

import io.kembed.core.kafka.GroupStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kembed status}: every consumer group reading kembed's topics (embed workers, sinks, rerank and
 * query-embedding servers, re-embeds), its members and partitions, committed offsets, lag per partition, the rate
 * of the last {@code --interval} and the time to drain at that rate.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Consumer groups on kembed's topics: members, partitions, offsets, lag, rate, time to drain.")
public final class StatusCommand implements Callable<Integer> {

    @Option(names = "--interval", defaultValue = "5",
            description = "Seconds between the two reads that give the rate; 0 reads once, without rates "
                    + "(default: ${DEFAULT-VALUE}).")
    int intervalSeconds;

    @Option(names = "--group", paramLabel = "GROUP_ID", description = "Only groups whose id contains this text.")
    String groupFilter;

    @Option(names = "--partitions", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show one line per partition (default: ${DEFAULT-VALUE}).")
    boolean showPartitions;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws InterruptedException {
        if (intervalSeconds < 0) {
            throw new IllegalArgumentException("--interval must be >= 0, got " + intervalSeconds);
        }
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.requireBootstrapServers());
        String topicPrefix = kafka.topics().prefix() + ".";
        try (Admin admin = Admin.create(props)) {
            List<GroupStatus> first = read(admin, topicPrefix);
            List<GroupStatus> now = first;
            if (intervalSeconds > 0) {
                Thread.sleep(Duration.ofSeconds(intervalSeconds).toMillis());
                now = read(admin, topicPrefix);
            }
            print(System.out, first, now, intervalSeconds, showPartitions);
            return 0;
        }
    }

    private List<GroupStatus> read(Admin admin, String topicPrefix) {
        return GroupStatus.read(admin, id -> groupFilter == null || id.contains(groupFilter),
                topic -> topic.startsWith(topicPrefix));
    }

    /**
     * Prints the groups of {@code now}, with rates from the committed offsets in {@code before}.
     *
     * @param intervalSeconds seconds between the reads; 0 prints no rates
     */
    static void print(PrintStream out, List<GroupStatus> before, List<GroupStatus> now, int intervalSeconds,
            boolean showPartitions) {
        if (now.isEmpty()) {
            out.println("no consumer group has offsets on or members assigned to kembed's topics");
            return;
        }
        Map<String, GroupStatus> earlier = before.stream()
                .collect(Collectors.toMap(GroupStatus::groupId, Function.identity()));
        for (GroupStatus g : now) {
            String rate = "";
            if (intervalSeconds > 0 && earlier.containsKey(g.groupId())) {
                double perSecond = (g.committedSum() - earlier.get(g.groupId()).committedSum())
                        / (double) intervalSeconds;
                rate = String.format(Locale.ROOT, ", %,.1f records/s, %s", perSecond, drain(g.totalLag(), perSecond));
            }
            out.printf(Locale.ROOT, "%s  [%s, %d member%s]  lag %,d%s%n", g.groupId(), g.state(), g.members().size(),
                    g.members().size() == 1 ? "" : "s", g.totalLag(), rate);
            for (GroupStatus.Member m : g.members()) {
                out.printf(Locale.ROOT, "  member %s %s: %d partition%s%n", m.clientId(), m.host(),
                        m.assignment().size(), m.assignment().size() == 1 ? "" : "s");
            }
            if (showPartitions) {
                out.printf(Locale.ROOT, "  %-36s %12s %12s %10s  %s%n", "partition", "committed", "end", "lag",
                        "owner");
                for (GroupStatus.PartitionStatus p : g.partitions()) {
                    out.printf(Locale.ROOT, "  %-36s %12s %,12d %,10d  %s%n", p.partition(),
                            p.committed() < 0 ? "-" : String.format(Locale.ROOT, "%,d", p.committed()), p.endOffset(),
                            p.lag(), p.owner() == null ? "(unassigned)" : p.owner());
                }
            }
        }
    }

    /** Time to consume {@code lag} records at {@code perSecond}, as text. */
    static String drain(long lag, double perSecond) {
        if (lag == 0) {
            return "drained";
        }
        if (perSecond <= 0) {
            return "not draining";
        }
        long seconds = (long) Math.ceil(lag / perSecond);
        Duration d = Duration.ofSeconds(seconds);
        return d.toHours() > 0
                ? String.format(Locale.ROOT, "drains in %dh%02dm", d.toHours(), d.toMinutesPart())
                : d.toMinutes() > 0
                        ? String.format(Locale.ROOT, "drains in %dm%02ds", d.toMinutes(), d.toSecondsPart())
                        : "drains in " + seconds + " s";
    }
}
