package dev.ordo.sqltests.workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A list of timed fault actions, written as text:
 * {@code "5s:stop-leader,12s:restart-replica:n2,20s:kill-node"}.
 *
 * <p>Each comma-separated step is {@code AT:ACTION[:ARG]...}: {@code AT} is a
 * time from the start of the run ({@code 500ms}, {@code 5s}, {@code 1.5s},
 * {@code 2m}); {@code ACTION} one of {@link Action}; the optional arguments say
 * which node / replica / how long, and are interpreted by the target. Unknown
 * actions are rejected when parsing; actions a target cannot perform are
 * rejected when the run starts. An empty string is the empty schedule.
 *
 * @param steps the steps, in time order
 */
public record FaultSchedule(List<Step> steps) {
  /** What a step does. */
  public enum Action {
    /** Stop (close, or {@code kill -9} a process) the node that leads the Raft group; arg: none. */
    STOP_LEADER,
    /** Stop a node; arg: node name (default: a random live node). */
    STOP_NODE,
    /** Start again every stopped node, or the named one, on its data directory. */
    START_NODE,
    /** Stop and start one replica database; args: node name, replica index, down time (default 1s). */
    RESTART_REPLICA,
    /** {@code kill -9} a node's process (restart it with {@link #START_NODE}); arg: node name (default: random). */
    KILL_NODE,
    /** SIGSTOP a node's process, SIGCONT it after a while; args: node name, pause (default 2s). */
    PAUSE_NODE;

    /** The text form, e.g. {@code stop-leader}. */
    public String text() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Action parse(String s) {
      for (Action a : values()) {
        if (a.text().equals(s.trim().toLowerCase(Locale.ROOT))) {
          return a;
        }
      }
      throw new IllegalArgumentException("unknown fault action '" + s + "'; known: "
          + java.util.Arrays.stream(values()).map(Action::text).toList());
    }
  }

  /**
   * One timed action.
   *
   * @param at when, from the start of the run
   * @param action what
   * @param args its arguments (may be empty)
   */
  public record Step(Duration at, Action action, List<String> args) {
    /** The argument at position i, or the default. */
    public String arg(int i, String dflt) {
      return i < args.size() && !args.get(i).isEmpty() ? args.get(i) : dflt;
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder(formatDuration(at)).append(':').append(action.text());
      args.forEach(a -> b.append(':').append(a));
      return b.toString();
    }
  }

  public FaultSchedule {
    steps = steps.stream().sorted(Comparator.comparing(Step::at)).toList();
  }

  /** Parses the text form; see the class comment. */
  public static FaultSchedule parse(String text) {
    List<Step> steps = new ArrayList<>();
    if (text == null || text.isBlank() || text.trim().equals("none")) {
      return new FaultSchedule(steps);
    }
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      String[] f = p.split(":", -1);
      if (f.length < 2) {
        throw new IllegalArgumentException("fault step '" + p + "' is not AT:ACTION[:ARG...]");
      }
      steps.add(new Step(parseDuration(f[0]), Action.parse(f[1]),
          List.of(java.util.Arrays.copyOfRange(f, 2, f.length))));
    }
    return new FaultSchedule(steps);
  }

  /** Parses {@code 250ms}, {@code 5s}, {@code 1.5s}, {@code 2m}. */
  public static Duration parseDuration(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      if (t.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      }
      if (t.endsWith("m")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException("bad time '" + s + "': use e.g. 500ms, 5s, 1.5s, 2m");
  }

  static String formatDuration(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  @Override
  public String toString() {
    return String.join(",", steps.stream().map(Step::toString).toList());
  }
}
