package dev.ordo.proxy.sql.parser;

import org.apache.calcite.sql.SqlBinaryOperator;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;

/**
 * PostgreSQL's JSON and array operators and {@code AT TIME ZONE}, which Calcite
 * does not have. They only
 * read their operands, so the analyzer needs nothing from them but the tree.
 * Their precedence is PostgreSQL's "any other operator": below arithmetic, above
 * comparison.
 */
public final class PgOperators {
  private static final int PRECEDENCE = 36;

  /** {@code json -> key}. */
  public static final SqlBinaryOperator JSON_GET = op("->");
  /** {@code json ->> key}. */
  public static final SqlBinaryOperator JSON_GET_TEXT = op("->>");
  /** {@code json #> path}. */
  public static final SqlBinaryOperator JSON_PATH = op("#>");
  /** {@code json #>> path}. */
  public static final SqlBinaryOperator JSON_PATH_TEXT = op("#>>");
  /** {@code a @> b}: contains. */
  public static final SqlBinaryOperator CONTAINS = op("@>");
  /** {@code a <@ b}: is contained by. */
  public static final SqlBinaryOperator CONTAINED_BY = op("<@");
  /** {@code a && b}: overlaps. */
  public static final SqlBinaryOperator OVERLAPS = op("&&");

  /** {@code timestamp AT TIME ZONE zone}. */
  public static final SqlBinaryOperator AT_TIME_ZONE = op("AT TIME ZONE");

  private PgOperators() {}

  private static SqlBinaryOperator op(String name) {
    return new SqlBinaryOperator(name, SqlKind.OTHER, PRECEDENCE, true, ReturnTypes.ARG0_NULLABLE,
        InferTypes.FIRST_KNOWN, OperandTypes.ANY_ANY);
  }
}
