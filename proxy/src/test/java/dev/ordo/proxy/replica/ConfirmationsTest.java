package dev.ordo.proxy.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfirmationsTest {
  /** A log whose committed index, terms and generation the test sets. */
  private static final class FakeLog implements Confirmations.Log {
    long committed;
    long generation = 1;
    final Map<Long, Long> terms = new HashMap<>();

    @Override
    public long committedIndex() {
      return committed;
    }

    @Override
    public long committedTerm(long index) {
      return index <= committed ? terms.getOrDefault(index, -1L) : -1;
    }

    @Override
    public long generation() {
      return generation;
    }

    @Override
    public boolean awaitCommitted(long index, Duration timeout) {
      return committed >= index;
    }

    void commit(long index, long term) {
      terms.put(index, term);
      committed = Math.max(committed, index);
    }
  }

  @Test
  void committedReadsAreConfirmedAtOnce() throws ReplicaFault {
    FakeLog log = new FakeLog();
    log.commit(5, 2);
    Confirmations c = new Confirmations(log, 0);
    c.committedUpTo(5);
    assertEquals(5, c.confirmedIndex());
    assertEquals(5, c.confirm());
  }

  @Test
  void orderedIndexesAreConfirmedWhenCommittedWithTheirTerm() throws ReplicaFault {
    FakeLog log = new FakeLog();
    log.commit(3, 1);
    Confirmations c = new Confirmations(log, 0);
    c.committedUpTo(3);
    c.ordered(4, 1, 1);
    c.ordered(5, 1, 1);
    assertEquals(3, c.confirm(), "nothing above the committed index is confirmed");
    assertFalse(c.confirmed(4));
    log.commit(4, 1);
    assertEquals(4, c.confirm());
    log.commit(5, 1);
    assertEquals(5, c.confirm());
    assertTrue(c.confirmed(5));
    assertEquals(0, c.firstPending());
  }

  @Test
  void anOrderedIndexCommittedWithAnotherTermIsLost() throws ReplicaFault {
    FakeLog log = new FakeLog();
    Confirmations c = new Confirmations(log, 0);
    c.ordered(1, 1, 1);
    c.ordered(2, 1, 1);
    log.commit(1, 1);
    log.commit(2, 3); // a new leader's entry
    ReplicaFault f = assertThrows(ReplicaFault.class, c::confirm);
    assertTrue(f.orderedLost(), f.getMessage());
    assertTrue(f.getMessage().contains("Raft index 2"), f.getMessage());
    assertEquals(1, c.confirmedIndex(), "what was confirmed before stays confirmed");
    assertThrows(ReplicaFault.class, c::confirm, "lost stays lost");
  }

  @Test
  void aGenerationChangeWithPendingIndexesLosesThem() {
    FakeLog log = new FakeLog();
    Confirmations c = new Confirmations(log, 0);
    c.ordered(1, 1, 1);
    log.generation = 2;
    ReplicaFault f = assertThrows(ReplicaFault.class, c::confirm);
    assertTrue(f.orderedLost());
  }

  @Test
  void aGenerationChangeWithNothingPendingIsHarmless() throws ReplicaFault {
    FakeLog log = new FakeLog();
    log.commit(1, 1);
    Confirmations c = new Confirmations(log, 0);
    c.committedUpTo(1);
    log.generation = 2;
    assertEquals(1, c.confirm());
    c.ordered(2, 2, 2);
    log.commit(2, 2);
    assertEquals(2, c.confirm());
  }

  @Test
  void anOrderedIndexReadInAnotherGenerationThanPendingOnesIsLost() {
    FakeLog log = new FakeLog();
    Confirmations c = new Confirmations(log, 0);
    c.ordered(1, 1, 1);
    c.ordered(2, 2, 2);
    assertThrows(ReplicaFault.class, c::confirm);
  }

  @Test
  void committedReadsAboveAPendingIndexWaitForIt() throws ReplicaFault {
    FakeLog log = new FakeLog();
    Confirmations c = new Confirmations(log, 0);
    c.ordered(1, 1, 1);
    log.commit(1, 1);
    log.commit(2, 1);
    c.committedUpTo(2);
    assertEquals(2, c.confirm());
  }

  @Test
  void awaitingAnUnconfirmableIndexFailsAfterTheTimeout() {
    FakeLog log = new FakeLog();
    Confirmations c = new Confirmations(log, 0);
    c.ordered(1, 1, 1);
    ReplicaFault f = assertThrows(ReplicaFault.class, () -> c.awaitConfirmed(1, Duration.ofMillis(100)));
    assertFalse(f.orderedLost(), "a timeout is the replica's own fault, not a proven loss");
  }

  @Test
  void closingReleasesWaiters() {
    FakeLog log = new FakeLog();
    Confirmations c = new Confirmations(log, 0);
    c.ordered(1, 1, 1);
    c.close();
    assertThrows(ReplicaFault.class, () -> c.awaitConfirmed(1, Duration.ofSeconds(30)));
  }
}
