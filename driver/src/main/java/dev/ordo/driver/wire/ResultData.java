package dev.ordo.driver.wire;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A complete, materialised result set: its columns and its rows. Each row has
 * one value per column, typed as {@link Values} describes.
 */
public record ResultData(List<ColumnInfo> columns, List<Object[]> rows) {

  public ResultData {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
  }

  public void write(DataOutput out) throws IOException {
    out.writeInt(columns.size());
    for (ColumnInfo c : columns) {
      c.write(out);
    }
    out.writeInt(rows.size());
    for (Object[] row : rows) {
      for (Object v : row) {
        Values.write(out, v);
      }
    }
  }

  public static ResultData read(DataInput in) throws IOException {
    int nc = Values.readCount(in, 1 << 16, "column");
    List<ColumnInfo> cols = new ArrayList<>(nc);
    for (int i = 0; i < nc; i++) {
      cols.add(ColumnInfo.read(in));
    }
    int nr = Values.readCount(in, Integer.MAX_VALUE - 8, "row", nc); // a row of no columns takes no bytes
    List<Object[]> rows = new ArrayList<>(Math.min(nr, 1 << 16));
    for (int r = 0; r < nr; r++) {
      Object[] row = new Object[nc];
      for (int i = 0; i < nc; i++) {
        row[i] = Values.read(in);
      }
      rows.add(row);
    }
    return new ResultData(cols, rows);
  }
}
