package dev.ordo.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Failed logins slow their own address down and then turn it away; other addresses are not touched. */
class LoginThrottleTest {
  @Test
  void delaysDoubleThenTheAddressIsTurnedAwayAlone() throws Exception {
    LoginThrottle t = LoginThrottle.standard();
    InetAddress guesser = InetAddress.getByName("192.0.2.7");
    InetAddress other = InetAddress.getByName("192.0.2.8");
    assertEquals(Duration.ofMillis(100), t.failed(guesser));
    assertEquals(Duration.ofMillis(200), t.failed(guesser));
    assertEquals(Duration.ofMillis(400), t.failed(guesser));
    assertEquals(Duration.ZERO, t.lockedOut(guesser));
    t.failed(guesser);
    assertEquals(Duration.ofMillis(1600), t.failed(guesser));
    Duration locked = t.lockedOut(guesser);
    assertTrue(locked.compareTo(Duration.ofSeconds(55)) > 0 && locked.compareTo(Duration.ofSeconds(60)) <= 0,
        locked.toString());
    assertEquals(Duration.ZERO, t.lockedOut(other));
    assertEquals(Duration.ofMillis(100), t.failed(other), "another address starts from the first delay");
    t.succeeded(other);
    assertEquals(Duration.ZERO, t.lockedOut(other));
  }

  @Test
  void failuresOutsideTheWindowAreForgotten() throws Exception {
    LoginThrottle t = new LoginThrottle(2, Duration.ofMillis(200), Duration.ofMillis(10), Duration.ofMillis(50));
    InetAddress a = InetAddress.getByName("192.0.2.9");
    t.failed(a);
    t.failed(a);
    assertTrue(t.lockedOut(a).toMillis() > 0);
    Thread.sleep(300);
    assertEquals(Duration.ZERO, t.lockedOut(a));
    assertEquals(Duration.ofMillis(10), t.failed(a));
  }
}
