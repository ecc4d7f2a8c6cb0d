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

  // ---- keys and intention locks ----

  private static String k(String key) {
    return LockManager.key("T", key);
  }

  @Test
  void theCompatibilityMatrixIsTheStandardOne() {
    String[] rows = {"IS:IS,IX,S,SIX,U", "IX:IS,IX", "S:IS,S,U", "SIX:IS", "U:IS,S", "X:"};
    for (String row : rows) {
      Mode m = Mode.valueOf(row.substring(0, row.indexOf(':')));
      List<String> ok = List.of(row.substring(row.indexOf(':') + 1).split(","));
      for (Mode o : Mode.values()) {
        assertEquals(!ok.contains(o.name()), m.conflicts(o), m + " against " + o);
        assertEquals(m.conflicts(o), o.conflicts(m), "symmetric: " + m + ", " + o);
      }
    }
    assertEquals(Mode.SIX, Mode.S.join(Mode.IX));
    assertEquals(Mode.IX, Mode.IS.join(Mode.IX));
    assertEquals(Mode.X, Mode.SIX.join(Mode.IX).join(Mode.X));
    assertTrue(Mode.SIX.covers(Mode.S) && Mode.SIX.covers(Mode.IX) && !Mode.S.covers(Mode.IX));
    assertEquals(Mode.U, Mode.S.join(Mode.U));
    assertEquals(Mode.U, Mode.U.join(Mode.IS));
    assertEquals(Mode.X, Mode.U.join(Mode.X));
    assertTrue(Mode.U.covers(Mode.S) && !Mode.S.covers(Mode.U) && !Mode.U.covers(Mode.X) && Mode.X.covers(Mode.U));
    for (Mode a : Mode.values()) {
      for (Mode b : Mode.values()) {
        Mode j = a.join(b);
        assertEquals(j, b.join(a), "join is symmetric: " + a + ", " + b);
        for (Mode o : Mode.values()) {
          assertTrue(!a.conflicts(o) && !b.conflicts(o) || j.conflicts(o), a + " join " + b + " excludes " + o);
        }
      }
    }
  }

  // ---- update (U) locks ----

  @Test
  void anUpdateLockSharesWithReadersButNotWithAnotherUpdateLock() {
    assertEquals(Decision.GRANTED, lm.request("r", Map.of(k("1"), Mode.S), "read"));
    assertEquals(Decision.GRANTED, lm.request("u1", Map.of(k("1"), Mode.U), "u1"));
    assertEquals(Decision.GRANTED, lm.request("r2", Map.of(k("1"), Mode.S), "read-2"));
    assertEquals(Decision.WAITING, lm.request("u2", Map.of(k("1"), Mode.U), "u2"));
    assertEquals(Map.of(k("1"), Mode.U, "T", Mode.IX, LockManager.GLOBAL, Mode.S), lm.grantedLocks("u1"));
    assertEquals(List.of(), lm.release("r"));
    assertEquals(List.of(), lm.release("r2"));
    assertEquals(List.of("u2"), lm.release("u1"));
  }

  @Test
  void anUpgradeFromUpdateToExclusiveWaitsForTheReader() {
    lm.request("r", Map.of(k("1"), Mode.S), "read");
    lm.request("a", Map.of(k("1"), Mode.U), "a-read");
    assertEquals(Decision.WAITING, lm.request("a", Map.of(k("1"), Mode.X), "a-write"));
    assertEquals(List.of("a-write"), lm.release("r"));
    assertEquals(Map.of(k("1"), Mode.X, "T", Mode.IX, LockManager.GLOBAL, Mode.S), lm.grantedLocks("a-write"));
  }

  @Test
  void twoTransfersThroughOneKeyQueueAtTheReadInsteadOfDeadlocking() {
    // Both read k1 and k2 then update them, in the same order: the second waits at its first read.
    assertEquals(Decision.GRANTED, lm.request("a", Map.of(k("1"), Mode.U), "a-read-1"));
    assertEquals(Decision.WAITING, lm.request("b", Map.of(k("1"), Mode.U), "b-read-1"));
    assertEquals(Decision.GRANTED, lm.request("a", Map.of(k("2"), Mode.U), "a-read-2"));
    assertEquals(Decision.GRANTED, lm.request("a", Map.of(k("1"), Mode.X), "a-write-1"));
    assertEquals(Decision.GRANTED, lm.request("a", Map.of(k("2"), Mode.X), "a-write-2"));
    assertEquals(List.of("b-read-1"), lm.release("a"));
    assertEquals(Decision.GRANTED, lm.request("b", Map.of(k("2"), Mode.U), "b-read-2"));
    assertEquals(Decision.GRANTED, lm.request("b", Map.of(k("1"), Mode.X), "b-write-1"));
  }

  @Test
  void transfersInOppositeOrdersStillDeadlock() {
    lm.request("a", Map.of(k("1"), Mode.U), "a-read-1");
    lm.request("b", Map.of(k("2"), Mode.U), "b-read-2");
    assertEquals(Decision.WAITING, lm.request("a", Map.of(k("2"), Mode.U), "a-read-2"));
    assertEquals(Decision.DEADLOCK, lm.request("b", Map.of(k("1"), Mode.U), "b-read-1"));
    assertEquals(List.of("a-read-2"), lm.release("b"));
  }

  @Test
  void aTableScanWaitsForAnUpdateLockOnAKey() {
    lm.request("u", Map.of(k("1"), Mode.U), "u"); // IX on T
    assertEquals(Decision.WAITING, lm.request("scan", Map.of("T", Mode.S), "scan"));
    assertEquals(List.of("scan"), lm.release("u"));
  }

  @Test
  void exclusiveLocksOnDifferentKeysOfOneTableAreBothGranted() {
    assertEquals(Decision.GRANTED, lm.request("t1", Map.of(k("1"), Mode.X), "t1"));
    assertEquals(Decision.GRANTED, lm.request("t2", Map.of(k("2"), Mode.X), "t2"));
    assertEquals(Map.of(k("2"), Mode.X, "T", Mode.IX, LockManager.GLOBAL, Mode.S), lm.grantedLocks("t2"));
  }

  @Test
  void theSameKeyWaitsAndIsGrantedOnRelease() {
    lm.request("t1", Map.of(k("1"), Mode.X), "t1");
    assertEquals(Decision.WAITING, lm.request("t2", Map.of(k("1"), Mode.X), "t2"));
    assertEquals(Decision.WAITING, lm.request("t3", Map.of(k("1"), Mode.S), "t3-read"));
    assertEquals(List.of("t2"), lm.release("t1"));
    assertEquals(List.of("t3-read"), lm.release("t2"));
  }

  @Test
  void aTableScanWaitsForKeyWritersAndKeyReadersShareWithIt() {
    lm.request("w", Map.of(k("1"), Mode.X), "key-write");
    lm.request("r", Map.of(k("2"), Mode.S), "key-read");
    assertEquals(Decision.WAITING, lm.request("scan", Map.of("T", Mode.S), "scan"));
    assertEquals(List.of("scan"), lm.release("w"));
    // A key read (IS on T) is compatible with the scan's S; a key write (IX) is not.
    assertEquals(Decision.GRANTED, lm.request("r2", Map.of(k("3"), Mode.S), "key-read-2"));
    assertEquals(Decision.WAITING, lm.request("w2", Map.of(k("4"), Mode.X), "key-write-2"));
    assertEquals(List.of("key-write-2"), lm.release("scan"));
  }

  @Test
  void aTableWriteWaitsForKeyReaders() {
    lm.request("r", Map.of(k("1"), Mode.S), "key-read");
    assertEquals(Decision.WAITING, lm.request("w", Map.of("T", Mode.X), "table-write"));
    assertEquals(List.of("table-write"), lm.release("r"));
  }

  @Test
  void keyLevelDeadlockHasAVictim() {
    lm.request("a", Map.of(k("1"), Mode.X), "a-1");
    lm.request("b", Map.of(k("2"), Mode.X), "b-2");
    assertEquals(Decision.WAITING, lm.request("a", Map.of(k("2"), Mode.X), "a-2"));
    assertEquals(Decision.DEADLOCK, lm.request("b", Map.of(k("1"), Mode.X), "b-1"));
    assertEquals(List.of("a-2"), lm.release("b"));
  }

  @Test
  void deadlockAcrossAKeyLockAndATableLock() {
    lm.request("a", Map.of(k("1"), Mode.X), "a-key"); // IX on T
    lm.request("b", Map.of("U", Mode.X), "b-u");
    assertEquals(Decision.WAITING, lm.request("a", Map.of("U", Mode.S), "a-u"));
    // b scans T: its S waits for a's IX, and a waits for b's U.
    assertEquals(Decision.DEADLOCK, lm.request("b", Map.of("T", Mode.S), "b-scan"));
    assertEquals(List.of("a-u"), lm.release("b"));
  }

  @Test
  void anUpgradeOnAKeyWaitsForTheOtherReader() {
    lm.request("a", Map.of(k("1"), Mode.S), "a-read");
    lm.request("b", Map.of(k("1"), Mode.S), "b-read");
    assertEquals(Decision.WAITING, lm.request("a", Map.of(k("1"), Mode.X), "a-write"));
    assertTrue(lm.isWaiting("a"));
    assertEquals(List.of("a-write"), lm.release("b"));
    assertEquals(Map.of(k("1"), Mode.X, "T", Mode.IX, LockManager.GLOBAL, Mode.S), lm.grantedLocks("a-write"));
  }

  @Test
  void aTableIntentionUpgradeWaitsForAScanThatHoldsTheTable() {
    lm.request("a", Map.of(k("1"), Mode.S), "a-read"); // IS on T
    lm.request("scan", Map.of("T", Mode.S), "scan"); // S: compatible with IS
    // a now writes another key: IS → IX on T conflicts with the scan's S.
    assertEquals(Decision.WAITING, lm.request("a", Map.of(k("2"), Mode.X), "a-write"));
    assertEquals(List.of("a-write"), lm.release("scan"));
  }

  @Test
  void aTransactionThatScansAndWritesAKeyHoldsSix() {
    lm.request("a", Map.of("T", Mode.S), "a-scan");
    assertEquals(Decision.GRANTED, lm.request("a", Map.of(k("1"), Mode.X), "a-write"));
    assertEquals(Decision.GRANTED, lm.request("r", Map.of(k("2"), Mode.S), "key-read")); // IS fits SIX
    assertEquals(Decision.WAITING, lm.request("s", Map.of("T", Mode.S), "other-scan"));
  }

  @Test
  void aLaterCompatibleRequestDoesNotOvertakeAnEarlierConflictingWaiter() {
    lm.request("w", Map.of(k("1"), Mode.X), "key-write"); // IX on T
    assertEquals(Decision.WAITING, lm.request("scan", Map.of("T", Mode.S), "scan"));
    // Another key write is compatible with the holder's IX but not with the scan queued ahead.
    assertEquals(Decision.WAITING, lm.request("w2", Map.of(k("2"), Mode.X), "key-write-2"));
    assertEquals(List.of("scan"), lm.release("w"));
    assertEquals(List.of("key-write-2"), lm.release("scan"));
  }

  @Test
  void keyResourcesNameTheirTable() {
    assertEquals("PUBLIC.T", LockManager.tableOf(LockManager.key("PUBLIC.T", "ID=5")));
    assertEquals(null, LockManager.tableOf("PUBLIC.T"));
    assertEquals("PUBLIC.T[ID=5]", LockManager.describe(LockManager.key("PUBLIC.T", "ID=5")));
  }
}
