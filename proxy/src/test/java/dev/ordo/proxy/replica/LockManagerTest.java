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
  void aLockAlreadyHeldIsNotQueuedAgain() {
    lm.request("t1", Map.of("A", Mode.S), "t1-read");
    assertEquals(Decision.WAITING, lm.request("w", Map.of("A", Mode.X), "writer"));
    // t1 reads A again: it holds S already, so it neither waits behind the writer nor deadlocks.
    assertEquals(Decision.GRANTED, lm.request("t1", Map.of("A", Mode.S), "t1-read-again"));
    assertEquals(List.of("writer"), lm.release("t1"));
  }

  @Test
  void anUpgradeGoesBeforeRequestsThatWaitForIt() {
    lm.request("t1", Map.of("A", Mode.S), "t1-read");
    assertEquals(Decision.WAITING, lm.request("w", Map.of("A", Mode.X), "writer"));
    assertEquals(Decision.GRANTED, lm.request("t1", Map.of("A", Mode.X), "t1-write"));
  }

  @Test
  void cyclesThroughRequestsQueuedAheadAreDeadlocksToo() {
    lm.request("t1", Map.of("A", Mode.S), "t1-a");
    lm.request("t2", Map.of("A", Mode.S), "t2-a");
    // t1 waits to upgrade (t2 holds S); t2's upgrade would wait for t1: a cycle.
    assertEquals(Decision.WAITING, lm.request("t1", Map.of("A", Mode.X), "t1-up"));
    assertEquals(Decision.DEADLOCK, lm.request("t2", Map.of("A", Mode.X), "t2-up"));
    assertEquals(List.of("t1-up"), lm.release("t2"));
    // A one-shot request queued ahead of a later request that conflicts with it.
    lm.request("t3", Map.of("B", Mode.X), "t3-b");
    assertEquals(Decision.WAITING, lm.request("o", Map.of("B", Mode.X, "C", Mode.X), "oneshot"));
    assertEquals(Decision.WAITING, lm.request("t4", Map.of("C", Mode.S), "t4-c-behind-oneshot"));
    // t3 would wait for the one-shot queued ahead on C, which waits for t3's B: t3 is the victim.
    assertEquals(Decision.DEADLOCK, lm.request("t3", Map.of("C", Mode.X), "t3-c"));
    assertEquals(List.of("oneshot"), lm.release("t3"));
    assertEquals(List.of("t4-c-behind-oneshot"), lm.release("o"));
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
