package dev.eos.tests.chaos;

import dev.eos.examples.MapExample;
import dev.eos.examples.MapToPostgres;
import dev.eos.testkit.chaos.ChaosTest;
import dev.eos.testkit.chaos.OutputCheck;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The chaos checker of the map pipeline into PostgreSQL ({@link MapToPostgres}), independent of eos: every committed
 * input is one row of {@code <app>_out} or, if poison, one row of {@code <app>_dead_letters}, never both, never
 * twice; each key's rows, in the order their inserts gave them ({@code pos} 1, 2, ...), hold ids in input order;
 * and the offsets table's position of each input partition is the partition's end (every input consumed once).
 */
final class DatabaseOutputs implements ChaosTest.Outputs {

    private final DataSource db;
    private final int poisonEvery;

    DatabaseOutputs(DataSource db, int poisonEvery) {
        this.db = db;
        this.poisonEvery = poisonEvery;
    }

    @Override
    public long accountedFor(ChaosTest.Worker run) throws SQLException {
        String p = MapToPostgres.prefix(run.applicationId());
        return rows("SELECT id FROM " + p + "_out UNION SELECT convert_from(record_value, 'UTF8') FROM " + p
                + "_dead_letters").size();
    }

    @Override
    public OutputCheck.Report check(ChaosTest.Worker run) throws SQLException {
        String p = MapToPostgres.prefix(run.applicationId());
        OutputCheck.Report r = new OutputCheck.Report();
        List<ConsumerRecord<String, String>> input = OutputCheck.read(run.bootstrap(), run.input(),
                IsolationLevel.READ_COMMITTED);
        r.input = input.size();
        Map<String, Integer> outputs = new HashMap<>();
        Map<String, List<String[]>> byKey = new HashMap<>();
        for (String[] row : rows("SELECT id, k, pos FROM " + p + "_out")) {
            outputs.merge(row[0], 1, Integer::sum);
            byKey.computeIfAbsent(row[1], k -> new ArrayList<>()).add(row);
            r.output++;
        }
        Map<String, Integer> dead = new HashMap<>();
        for (String[] row : rows("SELECT convert_from(record_value, 'UTF8') FROM " + p + "_dead_letters")) {
            dead.merge(row[0], 1, Integer::sum);
            r.deadLetters++;
        }
        for (ConsumerRecord<String, String> in : input) {
            String id = in.value();
            int o = outputs.getOrDefault(id, 0);
            int d = dead.getOrDefault(id, 0);
            boolean poison = MapExample.isPoison(id, poisonEvery);
            if (o + d == 0) {
                r.lost++;
                r.example("lost " + id);
            } else if (o + d > 1) {
                r.duplicated += o + d - 1;
                r.example("duplicated " + id + " (" + o + " rows, " + d + " dead letters)");
            } else if (poison != (d == 1)) {
                r.misrouted++;
                r.example((poison ? "poison " + id + " in the output" : id + " dead-lettered"));
            }
        }
        for (Map.Entry<String, List<String[]>> e : byKey.entrySet()) {
            List<String[]> rows = e.getValue();
            rows.sort((a, b) -> Long.compare(Long.parseLong(a[2]), Long.parseLong(b[2])));
            for (int i = 0; i < rows.size(); i++) {
                boolean inPlace = Long.parseLong(rows.get(i)[2]) == i + 1;
                if (!inPlace || i > 0 && rows.get(i - 1)[0].compareTo(rows.get(i)[0]) >= 0) {
                    r.outOfOrderKeys++;
                    r.example("key " + e.getKey() + " out of order at pos " + rows.get(i)[2] + ": id "
                            + rows.get(i)[0]);
                    break;
                }
            }
        }
        Map<String, Long> positions = new TreeMap<>();
        for (String[] row : rows("SELECT topic || '-' || partition, next_offset FROM " + p + "_offsets")) {
            positions.put(row[0], Long.parseLong(row[1]));
        }
        Map<String, Long> ends = endOffsets(run.bootstrap(), run.input());
        if (!positions.equals(ends)) {
            r.violation("offsets table " + positions + " is not at the input's end " + ends);
        }
        return r;
    }

    private static Map<String, Long> endOffsets(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            Map<String, Long> out = new TreeMap<>();
            c.endOffsets(tps).forEach((tp, end) -> out.put(tp.toString(), end));
            return out;
        }
    }

    private List<String[]> rows(String sql) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getString(i + 1);
                }
                out.add(row);
            }
        }
        return out;
    }
}
