package dev.ordo.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.driver.wire.Response;
import java.sql.BatchUpdateException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlExceptionsTest {

  @ParameterizedTest
  @CsvSource({
      "08001, java.sql.SQLNonTransientConnectionException",
      "08003, java.sql.SQLNonTransientConnectionException",
      "08006, java.sql.SQLTransientConnectionException",
      "08007, java.sql.SQLTransientConnectionException",
      "0A000, java.sql.SQLFeatureNotSupportedException",
      "22023, java.sql.SQLDataException",
      "23505, java.sql.SQLIntegrityConstraintViolationException",
      "28P01, java.sql.SQLInvalidAuthorizationSpecException",
      "40001, java.sql.SQLTransactionRollbackException",
      "40P01, java.sql.SQLTransactionRollbackException",
      "42S02, java.sql.SQLSyntaxErrorException",
      "57014, java.sql.SQLTimeoutException",
      "25006, java.sql.SQLException",
      "XX000, java.sql.SQLException",
  })
  void subclassFollowsTheSqlStateClass(String state, String className) {
    SQLException e = SqlExceptions.create(state, "msg", 17, null);
    assertEquals(className, e.getClass().getName());
    assertEquals(state, e.getSQLState());
    assertEquals(17, e.getErrorCode());
    assertEquals("msg", e.getMessage());
  }

  @Test
  void errorResponsesKeepStateVendorCodeAndMessage() {
    SQLException e = OrdoConnection.error(new Response.Error("40001", 0, "conflict, retry", -1));
    assertInstanceOf(SQLTransactionRollbackException.class, e);
    assertEquals("conflict, retry", e.getMessage());
    assertEquals(0, e.getErrorCode());
  }

  @Test
  void failedBatchItemBecomesBatchUpdateException() {
    SQLException e = OrdoStatement.batchError(new Response.Error("23505", 23505, "duplicate key K", 1), 3);
    BatchUpdateException b = assertInstanceOf(BatchUpdateException.class, e);
    assertEquals("23505", b.getSQLState());
    assertEquals(23505, b.getErrorCode());
    assertTrue(b.getMessage().contains("Batch item 2 of 3 failed: duplicate key K"), b.getMessage());
    assertTrue(b.getMessage().contains("none of its statements took effect"), b.getMessage());
    int[] failed = {Statement.EXECUTE_FAILED, Statement.EXECUTE_FAILED, Statement.EXECUTE_FAILED};
    assertArrayEquals(failed, b.getUpdateCounts());
    assertEquals(3, b.getLargeUpdateCounts().length);
    assertInstanceOf(SQLIntegrityConstraintViolationException.class, b.getCause());
    assertSame(b.getCause(), b.getNextException());
  }

  @Test
  void batchRefusedAsAWholeKeepsItsTypedException() {
    SQLException e = OrdoStatement.batchError(new Response.Error("0A000", 0, "not deterministic", -1), 3);
    assertInstanceOf(SQLFeatureNotSupportedException.class, e);
  }

  @Test
  void everyOrdoStateMapsToItsClass() {
    for (SqlState s : SqlState.values()) {
      SQLException e = SqlExceptions.create(s, "m");
      assertEquals(s.code(), e.getSQLState());
      assertEquals(5, s.code().length(), s.name());
    }
    assertInstanceOf(SQLNonTransientConnectionException.class, SqlExceptions.create(SqlState.UNABLE_TO_CONNECT, ""));
    assertInstanceOf(SQLTransientConnectionException.class,
        SqlExceptions.create(SqlState.TRANSACTION_RESOLUTION_UNKNOWN, ""));
    assertInstanceOf(SQLDataException.class, SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, ""));
    assertInstanceOf(SQLSyntaxErrorException.class, SqlExceptions.create(SqlState.UNDEFINED_COLUMN, ""));
    assertInstanceOf(SQLInvalidAuthorizationSpecException.class, SqlExceptions.create(SqlState.INVALID_PASSWORD, ""));
    assertInstanceOf(SQLTimeoutException.class, SqlExceptions.create(SqlState.QUERY_CANCELED, ""));
  }
}
