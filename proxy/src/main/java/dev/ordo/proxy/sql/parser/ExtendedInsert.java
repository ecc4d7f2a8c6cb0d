package dev.ordo.proxy.sql.parser;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * An {@code INSERT} with what PostgreSQL and H2 add to it: {@code DEFAULT VALUES},
 * {@code ON CONFLICT … DO NOTHING | DO UPDATE SET … [WHERE …]}, {@code RETURNING …},
 * and H2's {@code MERGE INTO t [(columns)] [KEY (columns)] VALUES … | query}
 * (an upsert, reported as {@link SqlKind#MERGE}). The target table is written;
 * tables in the source query, in the conflict update and in {@code RETURNING}
 * sub-queries are read.
 */
public final class ExtendedInsert extends SqlInsert {
  /** {@code ON CONFLICT [target] DO NOTHING | DO UPDATE SET columns = values [WHERE condition]}. */
  public record Conflict(
      SqlNodeList target, SqlIdentifier constraint, boolean doNothing, SqlNodeList columns,
      SqlNodeList values, SqlNode where) {}

  private final Conflict conflict;
  private final SqlNodeList returning;
  private final SqlNodeList mergeKeys;
  private final boolean merge;

  ExtendedInsert(SqlParserPos pos, SqlNodeList keywords, SqlNode targetTable, SqlNode source,
      SqlNodeList columnList, Conflict conflict, SqlNodeList returning) {
    super(pos, keywords, targetTable, source == null ? SqlNodeList.EMPTY : source, columnList);
    this.conflict = conflict;
    this.returning = returning;
    this.mergeKeys = null;
    this.merge = false;
  }

  /** H2's {@code MERGE INTO target [(columns)] [KEY (keys)] source}. */
  static ExtendedInsert h2Merge(SqlParserPos pos, SqlNode targetTable, SqlNode source,
      SqlNodeList columnList, SqlNodeList keys) {
    return new ExtendedInsert(pos, targetTable, source, columnList, keys);
  }

  private ExtendedInsert(SqlParserPos pos, SqlNode targetTable, SqlNode source, SqlNodeList columnList,
      SqlNodeList keys) {
    super(pos, SqlNodeList.EMPTY, targetTable, source, columnList);
    this.conflict = null;
    this.returning = null;
    this.mergeKeys = keys;
    this.merge = true;
  }

  /** The {@code ON CONFLICT} clause, or null. */
  public Conflict conflict() {
    return conflict;
  }

  /** The {@code RETURNING} list, or null. */
  public SqlNodeList returning() {
    return returning;
  }

  /** Whether this is H2's {@code MERGE INTO … [KEY (…)]} upsert. */
  public boolean isH2Merge() {
    return merge;
  }

  @Override
  public SqlKind getKind() {
    return merge ? SqlKind.MERGE : SqlKind.INSERT;
  }

  @Override
  public List<SqlNode> getOperandList() {
    List<SqlNode> operands = new ArrayList<>(super.getOperandList());
    if (conflict != null) {
      operands.add(conflict.target());
      operands.add(conflict.values());
      operands.add(conflict.where());
    }
    operands.add(returning);
    operands.add(mergeKeys);
    return operands;
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    super.unparse(writer, leftPrec, rightPrec);
    if (conflict != null) {
      writer.keyword(conflict.doNothing() ? "ON CONFLICT DO NOTHING" : "ON CONFLICT DO UPDATE");
    }
    if (returning != null) {
      writer.keyword("RETURNING");
      returning.unparse(writer, 0, 0);
    }
  }
}
