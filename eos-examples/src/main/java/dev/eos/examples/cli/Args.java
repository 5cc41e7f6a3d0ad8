package dev.eos.examples.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Minimal {@code --name value} / {@code --flag} parsing for the command-line tool. */
final class Args {
    private final Map<String, String> options = new HashMap<>();

    Args(List<String> args, List<String> known) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                throw new UsageException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String value = "true";
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            }
            if (!known.contains(name)) {
                throw new UsageException("unknown option --" + name + " (known: --" + String.join(", --", known) + ")");
            }
            options.put(name, value);
        }
    }

    String get(String name, String def) {
        return options.getOrDefault(name, def);
    }

    String require(String name) {
        String v = options.get(name);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    int getInt(String name, int def, int min, int max) {
        String v = options.get(name);
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v.replace("_", "").replace(",", ""));
            if (n < min || n > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max + ", was " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, was '" + v + "'");
        }
    }

    /** A wrong command line: printed with the usage, exit code 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
