package dev.ordo.sqltests.history;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates valid list-append histories: concurrent processes whose
 * transactions overlap in time but take effect one at a time, each at a
 * moment between its invocation and its completion. Such a history is strict
 * serializable by construction, so the checker must accept it; it is also a
 * realistic load for measuring the checker.
 *
 * <p>Transactions hold 1 to 4 micro-operations, half appends and half reads,
 * over a pool of active integer keys; as in Elle's generator, a key that has
 * received {@code appendsPerKey} appends is retired and replaced by a fresh
 * one, which keeps lists (and the history) short. Some transactions fail
 * (and leave no trace) and some crash ({@code :info}, after taking effect or
 * not); a crashed process is replaced by a new one, as Jepsen does.
 */
public final class SyntheticHistory {
  /**
   * Generator settings.
   *
   * @param txns transactions to invoke
   * @param processes concurrent client processes
   * @param keys active keys at any time
   * @param appendsPerKey appends after which a key is retired
   * @param failRate fraction of transactions that fail
   * @param infoRate fraction of transactions that crash with an unknown outcome
   * @param seed random seed
   */
  public record Options(int txns, int processes, int keys, int appendsPerKey, double failRate, double infoRate,
      long seed) {
    /** Validates the settings. */
    public Options {
      if (txns < 0) {
        throw new IllegalArgumentException("txns: must be >= 0, not " + txns);
      }
      if (processes < 1 || keys < 1 || appendsPerKey < 1) {
        throw new IllegalArgumentException("processes, keys, appendsPerKey: must be >= 1");
      }
      if (failRate < 0 || infoRate < 0 || failRate + infoRate > 1) {
        throw new IllegalArgumentException("failRate, infoRate: must be >= 0 and add up to at most 1");
      }
    }

    /**
     * Defaults: 10 processes, 50 keys, 32 appends per key, 2% failures, 1% crashes.
     *
     * @param txns transactions to invoke
     * @param seed random seed
     * @return the options
     */
    public static Options of(int txns, long seed) {
      return new Options(txns, 10, 50, 32, 0.02, 0.01, seed);
    }
  }

  private SyntheticHistory() {}

  /**
   * Generates a valid history.
   *
   * @param o the settings
   * @return the ops, in history order with indices 0, 1, 2...
   */
  public static List<Op> generate(Options o) {
    Random random = new Random(o.seed());
    List<Op> ops = new ArrayList<>(2 * o.txns() + 16);
    long[] activeKeys = new long[o.keys()];
    for (int i = 0; i < activeKeys.length; i++) {
      activeKeys[i] = i;
    }
    long nextKey = o.keys();
    Map<Long, List<Long>> lists = new HashMap<>();
    Map<Long, Long> issued = new HashMap<>();
    long[] process = new long[o.processes()];
    for (int i = 0; i < process.length; i++) {
      process[i] = i;
    }
    List<MicroOp>[] pending = newArray(o.processes());
    List<MicroOp>[] applied = newArray(o.processes());
    int invoked = 0;
    int open = 0;
    long time = 0;
    while (invoked < o.txns() || open > 0) {
      int p = random.nextInt(process.length);
      time += 1 + random.nextInt(1000) * 1000L;
      if (applied[p] != null) {
        ops.add(Op.txn(ops.size(), Op.Type.OK, process[p], applied[p], time));
        applied[p] = null;
        open--;
      } else if (pending[p] != null) {
        double r = random.nextDouble();
        if (r < o.failRate()) {
          ops.add(Op.txn(ops.size(), Op.Type.FAIL, process[p], pending[p], time));
          open--;
        } else if (r < o.failRate() + o.infoRate()) {
          if (random.nextBoolean()) {
            apply(pending[p], lists);
          }
          ops.add(Op.txn(ops.size(), Op.Type.INFO, process[p], pending[p], time).withError(Keyword.of("timeout")));
          process[p] += process.length;
          open--;
        } else {
          applied[p] = apply(pending[p], lists);
        }
        pending[p] = null;
      } else if (invoked < o.txns()) {
        List<MicroOp> txn = new ArrayList<>();
        int length = 1 + random.nextInt(4);
        for (int i = 0; i < length; i++) {
          int slot = random.nextInt(activeKeys.length);
          long key = activeKeys[slot];
          if (random.nextBoolean()) {
            // Elements are numbered when invoked, so they are unique even if the transaction never takes effect.
            long element = issued.merge(key, 1L, Long::sum);
            txn.add(MicroOp.append(key, element));
            if (element >= o.appendsPerKey()) {
              activeKeys[slot] = nextKey++;
            }
          } else {
            txn.add(MicroOp.read(key));
          }
        }
        ops.add(Op.txn(ops.size(), Op.Type.INVOKE, process[p], txn, time));
        pending[p] = txn;
        invoked++;
        open++;
      }
    }
    return ops;
  }

  @SuppressWarnings("unchecked")
  private static List<MicroOp>[] newArray(int n) {
    return (List<MicroOp>[]) new List<?>[n];
  }

  /** Applies a transaction to the state, returning it with its reads filled in. */
  private static List<MicroOp> apply(List<MicroOp> txn, Map<Long, List<Long>> lists) {
    List<MicroOp> done = new ArrayList<>(txn.size());
    for (MicroOp mop : txn) {
      List<Long> list = lists.computeIfAbsent((Long) mop.key(), k -> new ArrayList<>());
      if (mop.f() == MicroOp.Fn.APPEND) {
        list.add(mop.element());
        done.add(mop);
      } else {
        done.add(list.isEmpty() ? MicroOp.read(mop.key()) : MicroOp.read(mop.key(), list));
      }
    }
    return done;
  }

  /**
   * Writes a synthetic history to a file.
   *
   * @param args the number of transactions, the file (gzip-compressed if it
   *     ends in {@code .gz}), and optionally a seed
   * @throws IOException if the file cannot be written
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: SyntheticHistory TXNS FILE[.gz] [SEED]");
      System.exit(2);
    }
    long seed = args.length > 2 ? Long.parseLong(args[2]) : System.nanoTime();
    List<Op> ops = generate(Options.of(Integer.parseInt(args[0]), seed));
    HistoryWriter.write(Path.of(args[1]), ops);
    System.out.printf("wrote %d ops (%s transactions, seed %d) to %s%n", ops.size(), args[0], seed, args[1]);
  }
}
