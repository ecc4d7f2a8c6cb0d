package dev.ordo.sqltests.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransferWorkloadTest {
  @Test
  void pairsAreTwoDifferentAccountsInRange() {
    TransferWorkload w = new TransferWorkload(1000, 10, 0.5);
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 10_000; i++) {
      int[] p = w.pair(random);
      assertNotEquals(p[0], p[1]);
      for (int id : p) {
        assertTrue(id >= 1 && id <= 1000, "account " + id);
      }
    }
  }

  @Test
  void hotAccountsAreDrawnWithTheGivenProbability() {
    TransferWorkload w = new TransferWorkload(1000, 10, 0.5);
    SplittableRandom random = new SplittableRandom(2);
    int hot = 0;
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      if (w.pick(random) <= 10) {
        hot++;
      }
    }
    assertEquals(0.5, hot / (double) n, 0.01);
  }

  @Test
  void onlyHotOrOnlyColdAccounts() {
    SplittableRandom random = new SplittableRandom(3);
    TransferWorkload allHot = new TransferWorkload(1000, 2, 1.0);
    TransferWorkload noneHot = new TransferWorkload(1000, 10, 0.0);
    for (int i = 0; i < 1000; i++) {
      assertTrue(allHot.pick(random) <= 2);
      assertTrue(noneHot.pick(random) > 10);
    }
  }

  @Test
  void refusesSetsThatCannotGiveTwoDifferentAccounts() {
    assertThrows(IllegalArgumentException.class, () -> new TransferWorkload(1000, 1, 1.0));
    assertThrows(IllegalArgumentException.class, () -> new TransferWorkload(1000, 0, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new TransferWorkload(10, 10, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new TransferWorkload(1, 0, 0.0));
    assertThrows(IllegalArgumentException.class, () -> new TransferWorkload(1000, 10, 1.5));
  }

  @Test
  void abortPercentOfAttempts() {
    assertEquals(0.0, ClosedLoop.percent(0, 0));
    assertEquals(20.0, ClosedLoop.percent(1, 5));
  }
}
