package dev.ordo.driver.wire;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Description of one result column, as the replica's {@code ResultSetMetaData} reported it.
 *
 * @param label column label ({@code AS} name)
 * @param name underlying column name
 * @param table table name, or empty
 * @param schema schema name, or empty
 * @param catalog catalog name, or empty
 * @param jdbcType a {@link java.sql.Types} constant
 * @param typeName the backend's type name
 * @param precision precision or length
 * @param scale scale
 * @param nullable one of {@code ResultSetMetaData.columnNo/Nullable/NullableUnknown}
 * @param autoIncrement whether the column is generated
 * @param className Java class name of {@code getObject} values
 * @param displaySize display size
 * @param signed whether the values are signed numbers
 */
public record ColumnInfo(
    String label,
    String name,
    String table,
    String schema,
    String catalog,
    int jdbcType,
    String typeName,
    int precision,
    int scale,
    int nullable,
    boolean autoIncrement,
    String className,
    int displaySize,
    boolean signed) {

  /** A column with only a label and a type, for results the proxy builds itself. */
  public static ColumnInfo simple(String label, int jdbcType, String typeName, String className) {
    return new ColumnInfo(label, label, "", "", "", jdbcType, typeName, 0, 0, 2, false, className, 32, false);
  }

  public void write(DataOutput out) throws IOException {
    Values.writeString(out, label);
    Values.writeString(out, name);
    Values.writeString(out, table);
    Values.writeString(out, schema);
    Values.writeString(out, catalog);
    out.writeInt(jdbcType);
    Values.writeString(out, typeName);
    out.writeInt(precision);
    out.writeInt(scale);
    out.writeInt(nullable);
    out.writeBoolean(autoIncrement);
    Values.writeString(out, className);
    out.writeInt(displaySize);
    out.writeBoolean(signed);
  }

  public static ColumnInfo read(DataInput in) throws IOException {
    return new ColumnInfo(
        Values.readString(in),
        Values.readString(in),
        Values.readString(in),
        Values.readString(in),
        Values.readString(in),
        in.readInt(),
        Values.readString(in),
        in.readInt(),
        in.readInt(),
        in.readInt(),
        in.readBoolean(),
        Values.readString(in),
        in.readInt(),
        in.readBoolean());
  }
}
