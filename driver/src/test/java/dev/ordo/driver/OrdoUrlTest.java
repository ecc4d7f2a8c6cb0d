package dev.ordo.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.driver.OrdoUrl.HostPort;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrdoUrlTest {

  @Test
  void parsesOneHostWithDefaultPort() throws SQLException {
    OrdoUrl u = OrdoUrl.parse("jdbc:ordo://localhost/app");
    assertEquals(List.of(new HostPort("localhost", 6736)), u.nodes());
    assertEquals("app", u.database());
    assertEquals(Map.of(), u.properties());
  }

  @Test
  void parsesSeveralHostsPortsAndProperties() throws SQLException {
    OrdoUrl u = OrdoUrl.parse("jdbc:ordo://a:1,b,[::1]:7000,[fe80::2]/my%20db?user=sa&connectTimeout=5&flag&x=a%26b");
    assertEquals(List.of(new HostPort("a", 1), new HostPort("b", 6736), new HostPort("::1", 7000),
        new HostPort("fe80::2", 6736)), u.nodes());
    assertEquals("[::1]:7000", u.nodes().get(2).toString());
    assertEquals("my db", u.database());
    assertEquals(Map.of("user", "sa", "connectTimeout", "5", "flag", "", "x", "a&b"), u.properties());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "jdbc:ordo:localhost/app | '//' must follow",
      "jdbc:ordo://localhost | names no database",
      "jdbc:ordo://localhost?user=a/b | names no database",
      "jdbc:ordo://localhost/ | database name after '/' is empty",
      "jdbc:ordo:///app | lists no host",
      "jdbc:ordo://a,,b/app | empty host name",
      "jdbc:ordo://a:0/app | port '0' of host a",
      "jdbc:ordo://a:70000/app | port '70000' of host a",
      "jdbc:ordo://a:x/app | port 'x' of host a",
      "jdbc:ordo://[::1/app | lacks its closing ']'",
      "jdbc:ordo://a/app?=1 | property without a name",
      "jdbc:ordo://a/app?x=%zz | bad %-escape",
  })
  void malformedUrlsSayWhatIsWrongAndShowTheForm(String url, String expected) {
    SQLException e = assertThrows(SQLException.class, () -> OrdoUrl.parse(url));
    assertInstanceOf(SQLNonTransientConnectionException.class, e);
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().contains(OrdoUrl.FORM), e.getMessage());
  }

  @Test
  void messagesHideThePassword() {
    SQLException e = assertThrows(SQLException.class, () -> OrdoUrl.parse("jdbc:ordo://a:x/db?password=secret"));
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
    assertEquals("jdbc:ordo://h/db?user=u&password=***&x=1",
        OrdoUrl.redact("jdbc:ordo://h/db?user=u&password=s3&x=1"));
  }

  @Test
  void propertiesArgumentOverridesTheUrl() throws SQLException {
    OrdoUrl u = OrdoUrl.parse("jdbc:ordo://h/db?user=fromUrl&socketTimeout=3");
    Properties info = new Properties();
    info.setProperty("user", "fromProps");
    Properties merged = u.merge(info);
    assertEquals("fromProps", merged.getProperty("user"));
    assertEquals("3", merged.getProperty("socketTimeout"));
  }

  @Test
  void driverIgnoresOtherUrls() throws SQLException {
    OrdoDriver d = new OrdoDriver();
    assertNull(d.connect("jdbc:postgresql://localhost/db", new Properties()));
    assertNull(d.connect(null, new Properties()));
    assertFalse(d.acceptsURL("jdbc:h2:mem:x"));
    assertTrue(d.acceptsURL("jdbc:ordo://x/y"));
    assertEquals(0, d.getPropertyInfo("jdbc:h2:mem:x", null).length - OrdoProperty.values().length);
  }

  @Test
  void driverIsRegisteredWithDriverManager() throws SQLException {
    Driver d = DriverManager.getDriver("jdbc:ordo://localhost/app");
    assertInstanceOf(OrdoDriver.class, d);
  }

  @Test
  void propertyInfoListsEveryPropertyWithItsEffectiveValue() throws SQLException {
    Properties info = new Properties();
    info.setProperty("socketTimeout", "7");
    DriverPropertyInfo[] all = new OrdoDriver().getPropertyInfo("jdbc:ordo://h/db?connectTimeout=3", info);
    assertEquals(OrdoProperty.values().length, all.length);
    Map<String, String> values = new java.util.HashMap<>();
    for (DriverPropertyInfo p : all) {
      assertFalse(p.description.isEmpty());
      values.put(p.name, p.value);
    }
    assertEquals("3", values.get("connectTimeout"));
    assertEquals("7", values.get("socketTimeout"));
    assertEquals("0", values.get("loginTimeout"));
  }

  @Test
  void badTimeoutValuesNameTheProperty() {
    Properties p = new Properties();
    p.setProperty("connectTimeout", "soon");
    SQLException e = assertThrows(SQLException.class, () -> OrdoProperty.CONNECT_TIMEOUT.getSeconds(p));
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().contains("connectTimeout") && e.getMessage().contains("'soon'"), e.getMessage());
  }

  @Test
  void driverVersionComesFromTheBuild() {
    assertFalse(OrdoDriver.VERSION.contains("${"), OrdoDriver.VERSION);
    assertFalse(OrdoDriver.VERSION.equals("unknown"));
  }
}
