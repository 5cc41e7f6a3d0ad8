package dev.eos.examples;

import dev.eos.KeyValueStore;
import dev.eos.OutputTopic;
import dev.eos.Pipeline;
import dev.eos.StoreDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Bank transfers in two keyed steps. The topic {@code <run>-ops} holds deposits ({@code D|op|amount}, keyed by
 * the account) and transfers ({@code T|op|to|amount}, keyed by the paying account). The pipeline keeps a balance
 * per account in a persistent store: a deposit credits it; a transfer debits the payer and writes a credit
 * ({@code C|op|from|amount}, keyed by the payee) back to {@code <run>-ops}, which the payee's partition applies
 * later. Every change emits {@code balance|op|delta} to {@code <run>-balances}. Overdrafts are allowed, so the
 * result does not depend on the order of credits and debits: money is never created or destroyed, and no
 * transfer is applied twice.
 */
public final class BankTransfers implements Example {

    public static final String NAME = "bank-transfers";
    public static final StoreDefinition<String, Long> BALANCES =
            StoreDefinition.persistent("balances", Serdes.String(), Serdes.Long());
    static final int ACCOUNTS = 100;
    static final long OPENING = 1_000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "balances in a RocksDB store; transfers debit, then credit through a topic; money is conserved";
    }

    @Override
    public List<String> topics(String run) {
        return List.of(run + "-ops", run + "-balances");
    }

    @Override
    public String progressTopic(String run) {
        return run + "-balances";
    }

    static String account(int i) {
        return String.format("acct-%03d", i);
    }

    @Override
    public long produce(String bootstrap, String run, int first, int end) {
        Inputs.produce(bootstrap, run + "-ops", first, end, i -> {
            if (i < ACCOUNTS) {
                return new String[] {account((int) i), "D|op-" + i + "|" + OPENING};
            }
            Random random = new Random(i * 0x9E3779B97F4A7C15L);
            int from = random.nextInt(ACCOUNTS);
            int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
            return new String[] {account(from), "T|op-" + i + "|" + account(to) + "|" + (1 + random.nextInt(200))};
        });
        long deposits = Math.max(0, Math.min(ACCOUNTS, end) - first);
        return deposits + 2L * (end - first - deposits);
    }

    @Override
    public List<Pipeline<?, ?>> pipelines(String bootstrap, String run, String instance, Map<String, Object> config) {
        OutputTopic<String, String> ops = OutputTopic.of(run + "-ops", Serdes.String(), Serdes.String());
        OutputTopic<String, String> balances = OutputTopic.of(run + "-balances", Serdes.String(), Serdes.String());
        Pipeline<String, String> bank = Pipeline.builder(Serdes.String(), Serdes.String())
                .bootstrapServers(bootstrap).applicationId(run).instanceId(instance)
                .inputTopics(run + "-ops").outputTopic(ops).outputTopic(balances).store(BALANCES).config(config)
                .processor((op, context) -> {
                    String[] f = op.value().split("\\|");
                    String account = op.key();
                    long delta;
                    switch (f[0]) {
                        case "D" -> delta = Long.parseLong(f[2]);
                        case "C" -> delta = Long.parseLong(f[3]);
                        case "T" -> {
                            delta = -Long.parseLong(f[3]);
                            context.emit(ops, f[2], "C|" + f[1] + "|" + account + "|" + f[3]);
                        }
                        default -> throw new dev.eos.NonRetryableException("unknown operation " + op.value());
                    }
                    KeyValueStore<String, Long> store = context.store(BALANCES);
                    Long before = store.get(account);
                    long after = (before == null ? 0 : before) + delta;
                    store.put(account, after);
                    context.emit(balances, account, after + "|" + f[1] + "|" + delta);
                })
                .build();
        return List.of(bank);
    }

    @Override
    public Check check(String bootstrap, String run) {
        // the expected changes per account, folded from the committed operations
        Map<String, Map<String, Long>> expected = new HashMap<>();
        Map<String, Integer> credits = new HashMap<>();
        long deposited = 0;
        long transfers = 0;
        long inputOps = 0;
        for (ConsumerRecord<String, String> r : Verifier.readAll(bootstrap, run + "-ops")) {
            String[] f = r.value().split("\\|");
            switch (f[0]) {
                case "D" -> {
                    expected.computeIfAbsent(r.key(), k -> new HashMap<>()).put(f[1], Long.parseLong(f[2]));
                    deposited += Long.parseLong(f[2]);
                    inputOps++;
                }
                case "T" -> {
                    long amount = Long.parseLong(f[3]);
                    expected.computeIfAbsent(r.key(), k -> new HashMap<>()).put(f[1], -amount);
                    expected.computeIfAbsent(f[2], k -> new HashMap<>()).put(f[1], amount);
                    transfers++;
                    inputOps++;
                }
                default -> credits.merge(f[1], 1, Integer::sum);
            }
        }
        long duplicates = 0;
        long lost = 0;
        long broken = 0;
        long outputs = 0;
        long inBalances = 0;
        List<String> details = new ArrayList<>();
        Map<String, List<String[]>> updates = new HashMap<>();
        for (ConsumerRecord<String, String> r : Verifier.readAll(bootstrap, run + "-balances")) {
            updates.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value().split("\\|"));
            outputs++;
        }
        Set<String> accounts = new HashSet<>(expected.keySet());
        accounts.addAll(updates.keySet());
        for (String account : accounts) {
            Map<String, Long> want = expected.getOrDefault(account, Map.of());
            Set<String> applied = new HashSet<>();
            long balance = 0;
            for (String[] u : updates.getOrDefault(account, List.of())) {
                long delta = Long.parseLong(u[2]);
                if (!applied.add(u[1])) {
                    duplicates++;
                    note(details, account + ": " + u[1] + " applied twice");
                } else if (!Long.valueOf(delta).equals(want.get(u[1]))) {
                    broken++;
                    note(details, account + ": " + u[1] + " changed it by " + delta + ", expected " + want.get(u[1]));
                }
                balance += delta;
                if (balance != Long.parseLong(u[0])) {
                    broken++;
                    note(details, account + ": after " + u[1] + " the balance is " + u[0] + ", the fold says "
                            + balance);
                    balance = Long.parseLong(u[0]);
                }
            }
            for (String op : want.keySet()) {
                if (!applied.contains(op)) {
                    lost++;
                    note(details, account + ": " + op + " never applied");
                }
            }
            long folded = want.values().stream().mapToLong(Long::longValue).sum();
            if (balance != folded) {
                note(details, account + ": final balance " + balance + ", fold of the input " + folded);
            }
            inBalances += balance;
        }
        long credited = credits.values().stream().filter(n -> n == 1).count();
        long creditedTwice = credits.values().stream().filter(n -> n > 1).count();
        details.add(0, "money: deposited " + deposited + ", in balances " + inBalances + "; transfers " + transfers
                + ", credited once " + credited + ", credited twice " + creditedTwice);
        duplicates += creditedTwice;
        lost += transfers - credits.size();
        boolean ok = duplicates == 0 && lost == 0 && broken == 0 && inBalances == deposited
                && outputs == inputOps + transfers;
        return new Check(ok, "exactly-once: " + (ok ? "OK" : "VIOLATED") + " input=" + inputOps + " output="
                + outputs + " duplicates=" + duplicates + " lost=" + lost, details);
    }

    private static void note(List<String> details, String line) {
        if (details.size() < 10) {
            details.add(line);
        }
    }
}
