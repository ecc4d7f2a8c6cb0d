package dev.ordo.sqltests.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A list-append transaction: an invocation paired with its completion.
 *
 * @param id position among all transactions, in invocation order
 * @param type {@code OK}, {@code FAIL} or {@code INFO} (also for an invocation that never completed)
 * @param process the client process
 * @param invoke the invocation
 * @param completion the completion, or {@code null} if the history ends first
 * @param mops the micro-operations as completed (as invoked if there is no completion)
 * @param invokedAt position of the invocation in the ordered history
 * @param completedAt position of the completion, or -1
 */
record Txn(int id, Op.Type type, long process, Op invoke, Op completion, List<MicroOp> mops,
    int invokedAt, int completedAt) {

  boolean ok() {
    return type == Op.Type.OK;
  }

  /** Whether the transaction may have taken effect (ok or info). */
  boolean possible() {
    return type != Op.Type.FAIL;
  }

  /** The op that best describes the transaction: its completion if it has one. */
  Op op() {
    return completion != null ? completion : invoke;
  }

  /**
   * The list observed by a read, or {@code null} if unknown: an ok read of
   * {@code nil} is the empty list; reads of info and fail transactions are
   * unknown unless they carry a list.
   */
  List<Long> observed(MicroOp read) {
    List<Long> v = read.elements();
    if (v == null && type == Op.Type.OK) {
      return List.of();
    }
    return type == Op.Type.FAIL ? null : v;
  }

  /** The transactions of a history, and what was left out. */
  record Pairing(List<Txn> txns, int ops, int ignored) {}

  /**
   * Pairs invocations with completions, per process. Client {@code :txn} ops
   * are ordered by {@code :index} when every one has an index (so a history
   * written out of order still checks), by file order otherwise. Ops of
   * non-client processes and other functions are counted as ignored.
   *
   * @throws HistoryFormatException if a process invokes twice without a
   *     completion, completes without an invocation, or indices repeat
   */
  static Pairing pair(List<Op> history) {
    List<Op> ops = new ArrayList<>();
    boolean indexed = true;
    for (Op op : history) {
      if (op.isClient() && op.f().equals(Op.TXN)) {
        ops.add(op);
        indexed &= op.index() >= 0;
      }
    }
    int ignored = history.size() - ops.size();
    if (indexed) {
      ops.sort(Comparator.comparingLong(Op::index));
      for (int i = 1; i < ops.size(); i++) {
        if (ops.get(i).index() == ops.get(i - 1).index()) {
          throw new HistoryFormatException("two ops have :index " + ops.get(i).index() + ": "
              + HistoryReader.abbreviate(ops.get(i - 1).toString()) + " and " + HistoryReader.abbreviate(ops.get(i).toString()));
        }
      }
    }
    record Open(Op op, int at) {}
    Map<Long, Open> open = new HashMap<>();
    List<Txn> txns = new ArrayList<>();
    for (int at = 0; at < ops.size(); at++) {
      Op op = ops.get(at);
      long process = (Long) op.process();
      if (op.type() == Op.Type.INVOKE) {
        Open prev = open.put(process, new Open(op, at));
        if (prev != null) {
          throw new HistoryFormatException("process " + process + " invoked " + describe(op)
              + " before completing its previous invocation " + describe(prev.op()));
        }
        continue;
      }
      Open inv = open.remove(process);
      if (inv == null) {
        throw new HistoryFormatException("process " + process + " completed " + describe(op)
            + " without an invocation; every :ok, :fail or :info needs an :invoke by the same process before it");
      }
      List<MicroOp> mops = op.value() == null ? inv.op().txn() : op.txn();
      txns.add(new Txn(-1, op.type(), process, inv.op(), op, mops, inv.at(), at));
    }
    for (Open inv : open.values()) {
      txns.add(new Txn(-1, Op.Type.INFO, (Long) inv.op().process(), inv.op(), null, inv.op().txn(), inv.at(), -1));
    }
    txns.sort(Comparator.comparingInt(Txn::invokedAt));
    List<Txn> numbered = new ArrayList<>(txns.size());
    for (Txn t : txns) {
      numbered.add(new Txn(numbered.size(), t.type(), t.process(), t.invoke(), t.completion(), t.mops(),
          t.invokedAt(), t.completedAt()));
    }
    return new Pairing(List.copyOf(numbered), history.size(), ignored);
  }

  private static String describe(Op op) {
    return op.index() >= 0 ? "the op with :index " + op.index() : HistoryReader.abbreviate(op.toString());
  }
}
