package dev.ordo.driver.wire;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which generated keys a statement asks for: none, the backend's choice
 * ({@code RETURN_GENERATED_KEYS}), named columns, or column indexes.
 */
public record KeyRequest(Kind kind, List<String> columnNames, int[] columnIndexes) {
  public enum Kind { NONE, AUTO, NAMES, INDEXES }

  public static final KeyRequest NONE = new KeyRequest(Kind.NONE, List.of(), new int[0]);
  public static final KeyRequest AUTO = new KeyRequest(Kind.AUTO, List.of(), new int[0]);

  public KeyRequest {
    columnNames = List.copyOf(columnNames);
    columnIndexes = columnIndexes.clone();
  }

  public static KeyRequest names(String... names) {
    return new KeyRequest(Kind.NAMES, List.of(names), new int[0]);
  }

  public static KeyRequest indexes(int... idx) {
    return new KeyRequest(Kind.INDEXES, List.of(), idx);
  }

  public void write(DataOutput out) throws IOException {
    out.writeByte(kind.ordinal());
    if (kind == Kind.NAMES) {
      out.writeInt(columnNames.size());
      for (String n : columnNames) {
        Values.writeString(out, n);
      }
    } else if (kind == Kind.INDEXES) {
      out.writeInt(columnIndexes.length);
      for (int i : columnIndexes) {
        out.writeInt(i);
      }
    }
  }

  public static KeyRequest read(DataInput in) throws IOException {
    int k = in.readByte();
    if (k < 0 || k >= Kind.values().length) {
      throw new ProtocolException("unknown generated-keys kind " + k);
    }
    Kind kind = Kind.values()[k];
    switch (kind) {
      case NONE:
        return NONE;
      case AUTO:
        return AUTO;
      case NAMES: {
        int n = Values.readCount(in, 1 << 12, "key column");
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          names.add(Values.readString(in));
        }
        return new KeyRequest(kind, names, new int[0]);
      }
      default: {
        int n = Values.readCount(in, 1 << 12, "key column");
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
          idx[i] = in.readInt();
        }
        return new KeyRequest(kind, List.of(), idx);
      }
    }
  }
}
