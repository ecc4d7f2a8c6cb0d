package dev.ordo.proxy.txn;

import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.driver.wire.ProtocolException;
import dev.ordo.driver.wire.Values;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One log entry, with everything a replica needs to execute it without asking
 * anyone. Kinds:
 * <ul>
 *   <li>{@link Kind#ONE_SHOT}: a complete transaction (an autocommit statement or a JDBC batch);
 *   <li>{@link Kind#STMT}: one statement of the interactive transaction {@link #txn()};
 *   <li>{@link Kind#COMMIT} / {@link Kind#ROLLBACK}: the end of that transaction;
 *   <li>{@link Kind#ABORT_OWNER}: rolls back every open transaction begun by node {@link #origin()} in an
 *       incarnation before {@link #incarnation()} (a node that restarted, or one that went silent);
 *   <li>{@link Kind#HEARTBEAT}: changes nothing; a node with open transactions says it is alive.
 *   <li>{@link Kind#CHECKPOINT}: every replica computes its running digest here and reports it; with
 *       {@link #hashesTables()}, it also hashes its tables' contents at this point of the log.
 *   <li>{@link Kind#DIGEST}: one replica's report for a checkpoint ({@link #digestReport()}); changes nothing.
 * </ul>
 *
 * <p>Encoding (version 3, big-endian): {@code u8 version, u8 kind, u8 flags, str origin, i64
 * incarnation, i64 requestId, str txn, i64 timestampMicros, bool batch, KeyRequest keys, i32 n, n ×
 * (str sql, i32 m, m × value)}; strings and values as in the wire protocol ({@code docs/protocol.md}).
 * Flag bit 0: the {@code STMT} begins its transaction. Version 2 (no flags byte) is still read: its
 * {@code STMT} entries may each begin their transaction. A replica that meets a version or kind it
 * does not know fences itself rather than guess.
 *
 * <p>{@link #origin()}, {@link #incarnation()} and {@link #requestId()} identify an entry: the log may
 * hold the same entry twice (a client retry that the log's retry cache missed), and replicas execute
 * only its first copy.
 *
 * @param kind what the entry does
 * @param origin the node that appended it
 * @param incarnation that node's incarnation (its start time)
 * @param requestId unique per origin incarnation: matches the outcome to the waiting client
 * @param txn the interactive transaction's id ({@code STMT}, {@code COMMIT}, {@code ROLLBACK}); empty otherwise
 * @param begins a {@code STMT} that is its transaction's first: only such an entry opens a transaction on a
 *     replica; a later statement of a transaction that is not open there (it ended) is refused
 * @param timestampMicros the origin's clock when the entry was made (UTC microseconds)
 * @param batch whether the client sent it as a JDBC batch (answered with a count per statement)
 * @param keys generated keys wanted
 * @param statements the statements, original SQL text and bound parameters
 */
public record TxnEntry(
    Kind kind,
    String origin,
    long incarnation,
    long requestId,
    String txn,
    boolean begins,
    long timestampMicros,
    boolean batch,
    KeyRequest keys,
    List<Statement> statements) {

  public static final byte VERSION = 3;
  private static final int BEGINS = 1;

  /** What an entry does. The codes are part of the log format. */
  public enum Kind {
    ONE_SHOT(1), STMT(2), COMMIT(3), ROLLBACK(4), ABORT_OWNER(5), HEARTBEAT(6), CHECKPOINT(7), DIGEST(8);

    final int code;

    Kind(int code) {
      this.code = code;
    }

    static Kind of(int code) throws ProtocolException {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      throw new ProtocolException("log entry kind " + code + " is not supported by this Ordo; upgrade this node");
    }
  }

  /** One statement: its text, forwarded as the client wrote it, and its parameters. */
  public record Statement(String sql, List<Object> params) {
    public Statement {
      params = java.util.Collections.unmodifiableList(new ArrayList<>(params));
    }
  }

  public TxnEntry {
    statements = List.copyOf(statements);
    txn = txn == null ? "" : txn;
  }

  /** A one-shot transaction. */
  public static TxnEntry oneShot(String origin, long incarnation, long requestId, long micros, boolean batch,
      KeyRequest keys, List<Statement> statements) {
    return new TxnEntry(Kind.ONE_SHOT, origin, incarnation, requestId, "", false, micros, batch, keys, statements);
  }

  /**
   * The transaction id, unique across the cluster and across restarts: the
   * interactive transaction's id, or for a one-shot entry its own.
   */
  public String txnId() {
    return kind == Kind.ONE_SHOT ? origin + ":" + incarnation + ":" + requestId : txn;
  }

  /** A checkpoint: {@code hashTables} makes every replica hash its tables too. */
  public static TxnEntry checkpoint(String origin, long incarnation, long requestId, long micros, boolean hashTables) {
    return new TxnEntry(Kind.CHECKPOINT, origin, incarnation, requestId, "", false, micros, false, KeyRequest.NONE,
        List.of(new Statement("", List.of(hashTables))));
  }

  /** Whether this checkpoint asks every replica to hash its tables. */
  public boolean hashesTables() {
    return kind == Kind.CHECKPOINT && !statements.isEmpty() && !statements.get(0).params().isEmpty()
        && Boolean.TRUE.equals(statements.get(0).params().get(0));
  }

  /** One replica's report: {@code node}/{@code replica}, the checkpoint it is for and what it found. */
  public record DigestReport(String node, String replica, long checkpointIndex, int checkpointSub, long digest,
      Long tableHash, String fingerprint) {}

  /** A report of {@code r} (made by {@code r.node()}). */
  public static TxnEntry digest(long incarnation, long requestId, long micros, DigestReport r) {
    List<Object> params = new ArrayList<>();
    params.add(r.replica());
    params.add(r.checkpointIndex());
    params.add(r.checkpointSub());
    params.add(r.digest());
    params.add(r.tableHash());
    return new TxnEntry(Kind.DIGEST, r.node(), incarnation, requestId, "", false, micros, false, KeyRequest.NONE,
        List.of(new Statement(r.fingerprint(), params)));
  }

  /** The report a {@code DIGEST} entry carries. */
  public DigestReport digestReport() throws ProtocolException {
    if (kind != Kind.DIGEST || statements.size() != 1 || statements.get(0).params().size() != 5) {
      throw new ProtocolException("not a digest report: " + kind + " with " + statements.size() + " statements");
    }
    List<Object> p = statements.get(0).params();
    try {
      return new DigestReport(origin, (String) p.get(0), ((Number) p.get(1)).longValue(),
          ((Number) p.get(2)).intValue(), ((Number) p.get(3)).longValue(),
          p.get(4) == null ? null : ((Number) p.get(4)).longValue(), statements.get(0).sql());
    } catch (ClassCastException e) {
      throw new ProtocolException("malformed digest report: " + p);
    }
  }

  /** This entry with another time (the log's time for it). */
  public TxnEntry withTimestamp(long micros) {
    return micros == timestampMicros ? this
        : new TxnEntry(kind, origin, incarnation, requestId, txn, begins, micros, batch, keys, statements);
  }

  /** The entry's identity: the same in every copy of it in the log. */
  public EntryId id() {
    return new EntryId(origin, incarnation, requestId);
  }

  /** Identifies one entry across copies. */
  public record EntryId(String origin, long incarnation, long requestId) {}

  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + statements.size() * 64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeByte(kind.code);
      out.writeByte(begins ? BEGINS : 0);
      Values.writeString(out, origin);
      out.writeLong(incarnation);
      out.writeLong(requestId);
      Values.writeString(out, txn);
      out.writeLong(timestampMicros);
      out.writeBoolean(batch);
      keys.write(out);
      out.writeInt(statements.size());
      for (Statement s : statements) {
        Values.writeString(out, s.sql());
        Values.writeList(out, s.params());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static TxnEntry decode(byte[] payload) throws ProtocolException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      byte version = in.readByte();
      if (version != VERSION && version != 2) {
        throw new ProtocolException("log entry version " + version + " is not supported by this Ordo (knows 2 and "
            + VERSION + "); upgrade this node");
      }
      Kind kind = Kind.of(in.readByte());
      boolean begins = version == 2 ? kind == Kind.STMT : (in.readByte() & BEGINS) != 0;
      String origin = Values.readString(in);
      long incarnation = in.readLong();
      long requestId = in.readLong();
      String txn = Values.readString(in);
      long ts = in.readLong();
      boolean batch = in.readBoolean();
      KeyRequest keys = KeyRequest.read(in);
      int n = in.readInt();
      if (n < 0 || n > (1 << 20)) {
        throw new ProtocolException("statement count " + n);
      }
      List<Statement> stmts = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        stmts.add(new Statement(Values.readString(in), Values.readList(in)));
      }
      if (in.available() > 0) {
        throw new ProtocolException(in.available() + " trailing bytes after a log entry");
      }
      return new TxnEntry(kind, origin, incarnation, requestId, txn, begins, ts, batch, keys, stmts);
    } catch (ProtocolException e) {
      throw e;
    } catch (IOException e) {
      throw new ProtocolException("truncated log entry (" + e + ")");
    }
  }
}
