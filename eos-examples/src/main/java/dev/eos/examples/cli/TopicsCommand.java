package dev.eos.examples.cli;

import dev.eos.testkit.KafkaCluster;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code eos kafka topics create|list}: topics on the local cluster (or any), with nothing else installed. */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "Creates or lists topics.",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.ListTopics.class})
final class TopicsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "topics needs a subcommand: create or list");
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates topics that do not exist yet (replication: as many brokers as answer, up to 3).")
    static final class Create implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "NAME", description = "the topics to create")
        List<String> names;

        @Option(names = "--partitions", paramLabel = "N", defaultValue = "3",
                description = "partitions of each new topic (default: ${DEFAULT-VALUE})")
        int partitions;

        @Mixin
        Bootstrap bootstrap;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Ranges.check(spec, "--partitions", partitions, 1, 10_000);
            String servers = bootstrap.resolve(spec);
            KafkaCluster.createTopics(servers, partitions, names.toArray(new String[0]));
            System.out.println("Topics " + names + " exist on " + servers + " (new ones with " + partitions
                    + " partitions).");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the topics with their partitions.")
    static final class ListTopics implements Callable<Integer> {
        @Mixin
        Bootstrap bootstrap;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String servers = bootstrap.resolve(spec);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers, "request.timeout.ms", 10_000,
                    "default.api.timeout.ms", 20_000))) {
                var names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                Map<String, TopicDescription> topics = new TreeMap<>(
                        admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS));
                if (topics.isEmpty()) {
                    System.out.println("No topics on " + servers + ".");
                }
                topics.forEach((name, d) -> System.out.println(name + "  partitions=" + d.partitions().size()
                        + " replicas=" + d.partitions().get(0).replicas().size()));
            }
            return 0;
        }
    }
}
