package dev.ordo.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The data source's configuration: the URL it builds from its parts, and what it refuses. */
class OrdoDataSourceTest {

  @Test
  void buildsTheUrlFromServerNamesPortAndDatabase() throws SQLException {
    OrdoDataSource ds = new OrdoDataSource();
    ds.setDatabaseName("app");
    assertEquals("jdbc:ordo://localhost:6736/app", ds.effectiveUrl());
    ds.setServerNames("n1, n2:7000,[::1],[::1]:7001");
    ds.setPortNumber(6800);
    assertEquals("jdbc:ordo://n1:6800,n2:7000,[::1]:6800,[::1]:7001/app", ds.effectiveUrl());
    OrdoUrl parsed = OrdoUrl.parse(ds.effectiveUrl());
    assertEquals(4, parsed.nodes().size());
    assertEquals(new OrdoUrl.HostPort("::1", 7001), parsed.nodes().get(3));
  }

  @Test
  void aUrlWinsOverTheParts() throws SQLException {
    OrdoDataSource ds = new OrdoDataSource();
    ds.setDatabaseName("ignored");
    ds.setJdbcUrl("jdbc:ordo://h:1/db");
    assertEquals("jdbc:ordo://h:1/db", ds.effectiveUrl());
  }

  @Test
  void withoutUrlOrDatabaseItSaysWhatToSet() {
    SQLException e = assertThrows(SQLException.class, () -> new OrdoDataSource().getConnection());
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().contains("databaseName"), e.getMessage());
  }

  @Test
  void anUnknownPropertyIsRefusedWithTheKnownOnes() {
    OrdoDataSource ds = new OrdoDataSource();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ds.setProperty("sslmod", "x"));
    assertTrue(e.getMessage().contains("'sslmod'") && e.getMessage().contains("sslmode"), e.getMessage());
    ds.setProperty("sslmode", "require");
    assertEquals("require", ds.getProperty("sslmode"));
    ds.setProperty("sslmode", null);
    assertEquals(null, ds.getProperty("sslmode"));
  }

  @Test
  void toStringNeverShowsThePassword() {
    OrdoDataSource ds = new OrdoDataSource();
    ds.setUrl("jdbc:ordo://h/db");
    ds.setUser("app");
    ds.setPassword("s3cret");
    assertFalse(ds.toString().contains("s3cret"), ds.toString());
    assertTrue(ds.toString().contains("app"), ds.toString());
  }
}
