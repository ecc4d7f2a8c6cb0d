package dev.ordo.proxy.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.replica.LockManager.Decision;
import dev.ordo.proxy.replica.LockManager.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LockManagerTest {
  private final LockManager<String> lm = new LockManager<>();

  @Test
  void sharedLocksAreCompatibleExclusiveAreNot() {
    assertEquals(Decision.GRANTED, lm.request("t1", Map.of("A", Mode.S), "t1-read"));
    assertEquals(Decision.GRANTED, lm.request("t2", Map.of("A", Mode.S), "t2-read"));
    assertEquals(Decision.WAITING, lm.request("t3", Map.of("A", Mode.X), "t3-write"));
    assertEquals(List.of(), lm.release("t1"));
    assertEquals(List.of("t3-write"), lm.release("t2"));
    assertTrue(lm.holdsLocks("t3"));
  }

  @Test
  void requestsAreGrantedInArrivalOrderWithoutOvertaking() {
    lm.request("t1", Map.of("A", Mode.X), "t1");
    assertEquals(Decision.WAITING, lm.request("t2", Map.of("A", Mode.X), "t2"));
    // t3 only reads A, which t1 holds exclusively; it queues behind t2 even once t1 is gone.
    assertEquals(Decision.WAITING, lm.request("t3", Map.of("A", Mode.S), "t3"));
    // t4 wants B only: nothing blocks it.
    assertEquals(Decision.GRANTED, lm.request("t4", Map.of("B", Mode.X), "t4"));
    assertEquals(List.of("t2"), lm.release("t1"));
    assertEquals(List.of("t3"), lm.release("t2"));
  }

  @Test
  void theOwnLockIsUpgradedWhenNobodyElseHoldsIt() {
    lm.request("t1", Map.of("A", Mode.S), "read");
    assertEquals(Decision.GRANTED, lm.request("t1", Map.of("A", Mode.X), "write"));
    assertEquals(Decision.WAITING, lm.request("t2", Map.of("A", Mode.S), "t2"));
  }

  @Test
  void theRequestThatClosesACycleIsTheDeadlockVictim() {
    lm.request("t1", Map.of("A", Mode.X), "t1-a");
    lm.request("t2", Map.of("B", Mode.X), "t2-b");
    assertEquals(Decision.WAITING, lm.request("t1", Map.of("B", Mode.X), "t1-b"));
    assertEquals(Decision.DEADLOCK, lm.request("t2", Map.of("A", Mode.X), "t2-a"));
    // The victim's locks go; the survivor's waiting request is granted.
    assertEquals(List.of("t1-b"), lm.release("t2"));
  }

  @Test
  void cyclesThroughRequestsQueuedAheadAreDeadlocksToo() {
    lm.request("t1", Map.of("A", Mode.S), "t1-a");
    lm.request("t2", Map.of("A", Mode.S), "t2-a");
    // t1 waits to upgrade (t2 holds S); t2's upgrade would wait for t1: a cycle.
    assertEquals(Decision.WAITING, lm.request("t1", Map.of("A", Mode.X), "t1-up"));
    assertEquals(Decision.DEADLOCK, lm.request("t2", Map.of("A", Mode.X), "t2-up"));
  }

  @Test
  void theGlobalLockExcludesEverything() {
    lm.request("t1", Map.of("A", Mode.S), "t1");
    assertEquals(Decision.WAITING, lm.request("ddl", Map.of(LockManager.GLOBAL, Mode.X), "ddl"));
    assertEquals(Decision.WAITING, lm.request("t2", Map.of("B", Mode.X), "t2"));
    assertEquals(List.of("ddl"), lm.release("t1"));
    assertEquals(List.of("t2"), lm.release("ddl"));
  }

  @Test
  void releasingDropsTheTransactionsWaitingRequest() {
    lm.request("t1", Map.of("A", Mode.X), "t1");
    lm.request("t2", Map.of("A", Mode.X), "t2");
    assertTrue(lm.isWaiting("t2"));
    assertEquals(List.of(), lm.release("t2"));
    assertFalse(lm.isWaiting("t2"));
    assertEquals(List.of(), lm.release("t1"));
  }
}
