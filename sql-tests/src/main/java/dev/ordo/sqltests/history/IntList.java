package dev.ordo.sqltests.history;

import java.util.Arrays;

/** A growable list of {@code int}s, to keep large graphs free of boxing. */
final class IntList {
  private int[] items;
  private int size;

  IntList() {
    this(8);
  }

  IntList(int capacity) {
    items = new int[Math.max(1, capacity)];
  }

  void add(int v) {
    if (size == items.length) {
      items = Arrays.copyOf(items, items.length * 2);
    }
    items[size++] = v;
  }

  int get(int i) {
    return items[i];
  }

  void set(int i, int v) {
    items[i] = v;
  }

  int size() {
    return size;
  }

  void truncate(int newSize) {
    size = newSize;
  }

  int[] toArray() {
    return Arrays.copyOf(items, size);
  }
}
