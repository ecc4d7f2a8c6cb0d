package dev.ordo.driver.wire;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** A message from a proxy node to the driver: the answer to one {@link Request}. */
public sealed interface Response {
  byte T_HELLO_OK = (byte) 0x81;
  byte T_ROWS = (byte) 0x82;
  byte T_UPDATE = (byte) 0x83;
  byte T_BATCH_DONE = (byte) 0x84;
  byte T_ERROR = (byte) 0x85;
  byte T_OK = (byte) 0x86;
  byte T_AUTH_CHALLENGE = (byte) 0x87;

  void write(DataOutput out) throws IOException;

  /**
   * The session is open.
   *
   * @param auth after a SCRAM exchange, the server-final-message, which proves the node knows the password's
   *     verifier; else null
   */
  record HelloOk(String serverVersion, String nodeId, String backend, boolean leads, String auth)
      implements Response {
    @Override
    public void write(DataOutput out) throws IOException {
      out.writeByte(T_HELLO_OK);
      Values.writeString(out, serverVersion);
      Values.writeString(out, nodeId);
      Values.writeString(out, backend);
      out.writeBoolean(leads);
      Values.writeString(out, auth);
    }
  }

  /** The node requires a password: the SCRAM-SHA-256 server-first-message; the driver answers with Auth. */
  record AuthChallenge(String data) implements Response {
    @Override
    public void write(DataOutput out) throws IOException {
      out.writeByte(T_AUTH_CHALLENGE);
      Values.writeString(out, data);
    }
  }

  /** A statement that produced rows. */
  record Rows(ResultData data) implements Response {
    @Override
    public void write(DataOutput out) throws IOException {
      out.writeByte(T_ROWS);
      data.write(out);
    }
  }

  /** A statement that produced an update count, and the generated keys if asked for (else null). */
  record Update(long count, ResultData keys) implements Response {
    @Override
    public void write(DataOutput out) throws IOException {
      out.writeByte(T_UPDATE);
      out.writeLong(count);
      out.writeBoolean(keys != null);
      if (keys != null) {
        keys.write(out);
      }
    }
  }

  /** A batch that ran: one update count per item, and the generated keys if asked for (else null). */
  record BatchDone(long[] counts, ResultData keys) implements Response {
    public BatchDone {
      counts = counts.clone();
    }

    @Override
    public void write(DataOutput out) throws IOException {
      out.writeByte(T_BATCH_DONE);
      out.writeInt(counts.length);
      for (long c : counts) {
        out.writeLong(c);
      }
      out.writeBoolean(keys != null);
      if (keys != null) {
        keys.write(out);
      }
    }
  }

  /**
   * A refusal or a deterministic backend error.
   *
   * @param sqlState the five-character SQLState
   * @param vendorCode the backend's vendor code, 0 for Ordo's own errors
   * @param message a sentence saying what, where and what to do
   * @param batchItem for a failed batch, the index of the item that failed; else -1
   */
  record Error(String sqlState, int vendorCode, String message, int batchItem) implements Response {
    public Error(String sqlState, String message) {
      this(sqlState, 0, message, -1);
    }

    @Override
    public void write(DataOutput out) throws IOException {
      out.writeByte(T_ERROR);
      Values.writeString(out, sqlState);
      out.writeInt(vendorCode);
      Values.writeString(out, message);
      out.writeInt(batchItem);
    }
  }

  /** Done, nothing to return. */
  record Ok() implements Response {
    @Override
    public void write(DataOutput out) throws IOException {
      out.writeByte(T_OK);
    }
  }

  static Response read(DataInput in) throws IOException {
    byte type = in.readByte();
    switch (type) {
      case T_HELLO_OK:
        return new HelloOk(Values.readString(in), Values.readString(in), Values.readString(in), in.readBoolean(),
            Values.readString(in));
      case T_AUTH_CHALLENGE:
        return new AuthChallenge(Values.readString(in));
      case T_ROWS:
        return new Rows(ResultData.read(in));
      case T_UPDATE: {
        long count = in.readLong();
        ResultData keys = in.readBoolean() ? ResultData.read(in) : null;
        return new Update(count, keys);
      }
      case T_BATCH_DONE: {
        int n = Values.readCount(in, 1 << 20, "batch count");
        long[] counts = new long[n];
        for (int i = 0; i < n; i++) {
          counts[i] = in.readLong();
        }
        ResultData keys = in.readBoolean() ? ResultData.read(in) : null;
        return new BatchDone(counts, keys);
      }
      case T_ERROR:
        return new Error(Values.readString(in), in.readInt(), Values.readString(in), in.readInt());
      case T_OK:
        return new Ok();
      default:
        throw new ProtocolException("unknown response type 0x" + Integer.toHexString(type & 0xff));
    }
  }
}
