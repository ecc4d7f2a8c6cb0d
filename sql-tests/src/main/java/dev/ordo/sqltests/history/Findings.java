package dev.ordo.sqltests.history;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Collects anomalies by type: how many cases were found, and the smallest
 * example of each (rendered only at the end, since most cases are never shown).
 */
final class Findings {
  private static final class Entry {
    int count;
    int size = Integer.MAX_VALUE;
    Supplier<String> example;
  }

  private final Map<String, Entry> byType = new TreeMap<>();

  /** Records a case whose example is as good as any other (the first is kept). */
  void add(String type, Supplier<String> example) {
    add(type, Integer.MAX_VALUE - 1, example);
  }

  /** Records a case of the given size; the smallest example is kept. */
  void add(String type, int size, Supplier<String> example) {
    Entry e = byType.computeIfAbsent(type, t -> new Entry());
    e.count++;
    if (size < e.size) {
      e.size = size;
      e.example = example;
    }
  }

  boolean isEmpty() {
    return byType.isEmpty();
  }

  /** The anomalies found, by type name in alphabetical order, each with its example rendered. */
  Map<String, Anomaly> toAnomalies() {
    Map<String, Anomaly> out = new TreeMap<>();
    byType.forEach((type, e) -> out.put(type, new Anomaly(type, e.count, e.example.get())));
    return out;
  }
}
