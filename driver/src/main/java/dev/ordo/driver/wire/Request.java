package dev.ordo.driver.wire;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A message from the driver to a proxy node. Each is sent as one frame (a
 * 4-byte big-endian length, then the body); the body starts with the type
 * byte. The server answers every request except {@link Close} with exactly one
 * {@link Response}. See {@code docs/protocol.md}.
 */
public sealed interface Request {
  /** "ORDO" in ASCII: the first four bytes of the first message's body. */
  int MAGIC = 0x4F52444F;
  /** The protocol version this driver speaks. */
  short VERSION = 3;

  byte T_HELLO = 0x01;
  byte T_AUTH = 0x02;
  byte T_EXECUTE = 0x10;
  byte T_BATCH = 0x11;
  byte T_METADATA = 0x12;
  byte T_END_TXN = 0x13;
  byte T_PING = 0x14;
  byte T_CLOSE = 0x15;

  /** Bit in {@link Execute#flags()} and {@link Batch#flags()}: the session is in autocommit mode. */
  int FLAG_AUTOCOMMIT = 1;
  /** Bit in the flags: the session is read-only ({@code Connection.setReadOnly(true)}). */
  int FLAG_READ_ONLY = 2;

  void write(DataOutput out) throws IOException;

  /**
   * Opens a session. The first message of every connection.
   *
   * @param user the user name, or null
   * @param auth with a user: the SCRAM-SHA-256 client-first-message ({@link Scram.Client#first()}); the password
   *     itself never crosses the wire
   */
  record Hello(short version, String database, String user, String auth, Map<String, String> properties)
      implements Request {
    public Hello {
      properties = Map.copyOf(properties);
    }

    @Override
    public void write(DataOutput out) throws IOException {
      out.writeByte(T_HELLO);
      out.writeInt(MAGIC);
      out.writeShort(version);
      Values.writeString(out, database);
      Values.writeString(out, user);
      Values.writeString(out, auth);
      out.writeInt(properties.size());
      for (Map.Entry<String, String> e : properties.entrySet()) {
        Values.writeString(out, e.getKey());
        Values.writeString(out, e.getValue());
      }
    }
  }

  /** The SCRAM-SHA-256 client-final-message, in answer to {@link Response.AuthChallenge}. */
  record Auth(String data) implements Request {
    @Override
    public void write(DataOutput out) throws IOException {
      out.writeByte(T_AUTH);
      Values.writeString(out, data);
    }
  }

  /**
   * Runs one statement.
   *
   * @param flags {@link #FLAG_AUTOCOMMIT}, {@link #FLAG_READ_ONLY}
   * @param maxRows the most rows to return, 0 for all
   * @param sql the statement text, forwarded unchanged to the replicas
   * @param params values for the {@code ?} markers, in order
   * @param keys generated keys wanted
   */
  record Execute(int flags, int maxRows, String sql, List<Object> params, KeyRequest keys) implements Request {
    public Execute {
      params = java.util.Collections.unmodifiableList(new ArrayList<>(params));
    }

    @Override
    public void write(DataOutput out) throws IOException {
      out.writeByte(T_EXECUTE);
      out.writeInt(flags);
      out.writeInt(maxRows);
      Values.writeString(out, sql);
      Values.writeList(out, params);
      keys.write(out);
    }
  }

  /** One statement of a batch: its text and its parameters. */
  record BatchItem(String sql, List<Object> params) {
    public BatchItem {
      params = java.util.Collections.unmodifiableList(new ArrayList<>(params));
    }
  }

  /** Runs a JDBC batch as one atomic transaction. */
  record Batch(int flags, List<BatchItem> items, KeyRequest keys) implements Request {
    public Batch {
      items = List.copyOf(items);
    }

    @Override
    public void write(DataOutput out) throws IOException {
      out.writeByte(T_BATCH);
      out.writeInt(flags);
      out.writeInt(items.size());
      for (BatchItem i : items) {
        Values.writeString(out, i.sql());
        Values.writeList(out, i.params());
      }
      keys.write(out);
    }
  }

  /**
   * Calls a {@link java.sql.DatabaseMetaData} method on the node's replica.
   *
   * @param method the method name, e.g. {@code getTables}
   * @param args its arguments ({@code String[]} travels as {@code Object[]})
   */
  record Metadata(String method, List<Object> args) implements Request {
    public Metadata {
      args = java.util.Collections.unmodifiableList(new ArrayList<>(args));
    }

    @Override
    public void write(DataOutput out) throws IOException {
      out.writeByte(T_METADATA);
      Values.writeString(out, method);
      Values.writeList(out, args);
    }
  }

  /** Ends the current transaction: commit or roll back. */
  record EndTxn(boolean commit) implements Request {
    @Override
    public void write(DataOutput out) throws IOException {
      out.writeByte(T_END_TXN);
      out.writeBoolean(commit);
    }
  }

  /** Checks that the session and its node are alive ({@code Connection.isValid}). */
  record Ping() implements Request {
    @Override
    public void write(DataOutput out) throws IOException {
      out.writeByte(T_PING);
    }
  }

  /** Ends the session; no response. */
  record Close() implements Request {
    @Override
    public void write(DataOutput out) throws IOException {
      out.writeByte(T_CLOSE);
    }
  }

  /** Reads one request body. Throws {@link ProtocolException} for anything malformed. */
  static Request read(DataInput in) throws IOException {
    byte type = in.readByte();
    switch (type) {
      case T_HELLO: {
        int magic = in.readInt();
        if (magic != MAGIC) {
          throw new ProtocolException("bad magic 0x" + Integer.toHexString(magic) + "; not an Ordo client");
        }
        short version = in.readShort();
        String db = Values.readString(in);
        String user = Values.readString(in);
        String auth = Values.readString(in);
        int n = Values.readCount(in, 1024, "property", 8);
        Map<String, String> props = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          String k = Values.readString(in);
          String v = Values.readString(in);
          if (k != null && v != null) {
            props.put(k, v);
          }
        }
        return new Hello(version, db, user, auth, props);
      }
      case T_AUTH:
        return new Auth(Values.readString(in));
      case T_EXECUTE: {
        int flags = in.readInt();
        int maxRows = in.readInt();
        String sql = requireSql(Values.readString(in));
        List<Object> params = Values.readList(in);
        return new Execute(flags, maxRows, sql, params, KeyRequest.read(in));
      }
      case T_BATCH: {
        int flags = in.readInt();
        int n = Values.readCount(in, 1 << 20, "batch item", 8);
        List<BatchItem> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          String sql = requireSql(Values.readString(in));
          items.add(new BatchItem(sql, Values.readList(in)));
        }
        return new Batch(flags, items, KeyRequest.read(in));
      }
      case T_METADATA: {
        String method = Values.readString(in);
        if (method == null) {
          throw new ProtocolException("metadata request without a method name");
        }
        return new Metadata(method, Values.readList(in));
      }
      case T_END_TXN:
        return new EndTxn(in.readBoolean());
      case T_PING:
        return new Ping();
      case T_CLOSE:
        return new Close();
      default:
        throw new ProtocolException("unknown request type 0x" + Integer.toHexString(type & 0xff));
    }
  }

  private static String requireSql(String sql) throws ProtocolException {
    if (sql == null) {
      throw new ProtocolException("statement without SQL text");
    }
    return sql;
  }
}
