package dev.eos.testkit.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A fault schedule generated from a seed: the same seed always gives the same events, so a failing run is
 * replayed by its seed. Events run one after the other, each after its delay.
 */
public final class FaultSchedule {

    /** What an event does. */
    public enum Kind {
        /** SIGKILL a worker process and start a replacement with the same instance id. */
        KILL_WORKER,
        /** SIGSTOP a worker for longer than its session timeout, then SIGCONT: a zombie that must be fenced. */
        PAUSE_WORKER,
        /**
         * SIGSTOP a worker past its session timeout (6 s) but not its transaction timeout (10 s), SIGCONT, then stop
         * and restart every other worker, so that its partitions come back to it: a zombie that resumes inside an
         * open transaction and then owns again partitions another instance committed to meanwhile.
         */
        ZOMBIE_IN_TRANSACTION,
        /**
         * As {@link #ZOMBIE_IN_TRANSACTION}, paused past the transaction timeout too: the broker aborted its
         * transaction and another instance restored and committed before it resumes with records in flight.
         */
        ZOMBIE_PAST_TRANSACTION,
        /** SIGKILL one broker of the three, restart it after {@code arg} ms. */
        KILL_BROKER,
        /** SIGSTOP one broker of the three for {@code arg} ms, past its session with the controller, then SIGCONT. */
        PAUSE_BROKER,
        /** A new worker joins the group. */
        JOIN,
        /** A worker leaves cleanly (SIGTERM). */
        LEAVE,
        /** A burst of {@code arg} input records. */
        BURST
    }

    /** One event: after {@code delayMs}, {@code kind} on {@code target} (a worker index or a node id), {@code arg}. */
    public static final class Event {
        public final long delayMs;
        public final Kind kind;
        public final int target;
        public final int arg;

        Event(long delayMs, Kind kind, int target, int arg) {
            this.delayMs = delayMs;
            this.kind = kind;
            this.target = target;
            this.arg = arg;
        }

        @Override
        public String toString() {
            return "+" + delayMs + "ms " + kind + (kind == Kind.BURST ? "(" + arg + ")"
                    : kind == Kind.JOIN ? "" : "(#" + target + (arg > 0 ? ", " + arg + "ms" : "") + ")");
        }
    }

    public final long seed;
    public final List<Event> events;
    /** Records written before the first event. */
    public final int initialRecords;

    private FaultSchedule(long seed, List<Event> events, int initialRecords) {
        this.seed = seed;
        this.events = events;
        this.initialRecords = initialRecords;
    }

    /**
     * Generates a schedule of 6 to 9 events, with at least one worker kill, one broker kill and one zombie whose
     * partitions come back to it (of either form, chosen by the seed's second bit).
     */
    public static FaultSchedule generate(long seed) {
        Random r = new Random(seed);
        // the form by the seed's second bit: consecutive seeds (one run's schedules, whose group protocols alternate)
        // go in, in, past, past, so four schedules cover both forms under both protocols
        List<Kind> kinds = new ArrayList<>(List.of(Kind.KILL_WORKER, Kind.KILL_BROKER,
                ((seed >> 1) & 1) == 0 ? Kind.ZOMBIE_IN_TRANSACTION : Kind.ZOMBIE_PAST_TRANSACTION));
        int extra = 3 + r.nextInt(4);
        Kind[] all = Kind.values();
        for (int i = 0; i < extra; i++) {
            kinds.add(all[r.nextInt(all.length)]);
        }
        java.util.Collections.shuffle(kinds, r);
        List<Event> events = new ArrayList<>();
        for (Kind k : kinds) {
            long delay = 500 + r.nextInt(2_000);
            switch (k) {
                case PAUSE_WORKER:
                    events.add(new Event(delay, k, r.nextInt(8), 7_000 + r.nextInt(4_000)));
                    break;
                case ZOMBIE_IN_TRANSACTION:
                    // past the 6 s session, within the 10 s transaction timeout with room for the poll it was in
                    events.add(new Event(delay, k, r.nextInt(8), 7_000 + r.nextInt(1_500)));
                    break;
                case ZOMBIE_PAST_TRANSACTION:
                    events.add(new Event(delay, k, r.nextInt(8), 12_000 + r.nextInt(4_000)));
                    break;
                case KILL_BROKER:
                    events.add(new Event(delay, k, 1 + r.nextInt(3), 1_000 + r.nextInt(4_000)));
                    break;
                case PAUSE_BROKER:
                    // past broker.session.timeout.ms (9 s): the controller fences the node, leaders move
                    events.add(new Event(delay, k, 1 + r.nextInt(3), 10_000 + r.nextInt(3_000)));
                    break;
                case BURST:
                    events.add(new Event(delay, k, 0, 1_000 + r.nextInt(4_000)));
                    break;
                default:
                    events.add(new Event(delay, k, r.nextInt(8), 0));
            }
        }
        return new FaultSchedule(seed, events, 3_000 + r.nextInt(3_000));
    }

    @Override
    public String toString() {
        return "seed=" + seed + " initial=" + initialRecords + " events=" + events;
    }
}
