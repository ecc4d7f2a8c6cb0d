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
 * A {@code Txn} log entry: a complete one-shot transaction (an autocommit
 * statement or a JDBC batch) with everything a replica needs to execute it
 * without asking anyone.
 *
 * <p>Encoding (version 1, big-endian): {@code u8 version, u8 kind=1, str origin,
 * i64 incarnation, i64 requestId, i64 timestampMicros, bool globalLock,
 * bool batch, KeyRequest keys, i32 n, n × (str sql, i32 m, m × value)}; strings
 * and values as in the wire protocol ({@code docs/protocol.md}). A replica that
 * meets a version or kind it does not know stops rather than guess.
 *
 * @param origin the node that appended it
 * @param incarnation that node's incarnation (its start time), so a restarted node ignores its old entries' results
 * @param requestId unique per origin incarnation
 * @param timestampMicros the origin's clock when the transaction began (UTC microseconds)
 * @param globalLock whether it must run alone
 * @param batch whether the client sent it as a JDBC batch (answered with a count per statement)
 * @param keys generated keys wanted
 * @param statements the statements, original SQL text and bound parameters
 */
public record TxnEntry(
    String origin,
    long incarnation,
    long requestId,
    long timestampMicros,
    boolean globalLock,
    boolean batch,
    KeyRequest keys,
    List<Statement> statements) {

  public static final byte VERSION = 1;
  public static final byte KIND_TXN = 1;

  /** One statement: its text, forwarded as the client wrote it, and its parameters. */
  public record Statement(String sql, List<Object> params) {
    public Statement {
      params = java.util.Collections.unmodifiableList(new ArrayList<>(params));
    }
  }

  public TxnEntry {
    statements = List.copyOf(statements);
  }

  /** The transaction id, unique across the cluster and across restarts. */
  public String txnId() {
    return origin + ":" + incarnation + ":" + requestId;
  }

  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + statements.size() * 64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeByte(KIND_TXN);
      Values.writeString(out, origin);
      out.writeLong(incarnation);
      out.writeLong(requestId);
      out.writeLong(timestampMicros);
      out.writeBoolean(globalLock);
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
      if (version != VERSION) {
        throw new ProtocolException("log entry version " + version + " is not supported by this Ordo (knows "
            + VERSION + "); upgrade this node");
      }
      byte kind = in.readByte();
      if (kind != KIND_TXN) {
        throw new ProtocolException("log entry kind " + kind + " is not supported by this Ordo; upgrade this node");
      }
      String origin = Values.readString(in);
      long incarnation = in.readLong();
      long requestId = in.readLong();
      long ts = in.readLong();
      boolean global = in.readBoolean();
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
      return new TxnEntry(origin, incarnation, requestId, ts, global, batch, keys, stmts);
    } catch (ProtocolException e) {
      throw e;
    } catch (IOException e) {
      throw new ProtocolException("truncated log entry (" + e + ")");
    }
  }
}
