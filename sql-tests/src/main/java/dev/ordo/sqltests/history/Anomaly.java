package dev.ordo.sqltests.history;

/**
 * One class of anomaly found in a history.
 *
 * @param type Elle's name for it, e.g. {@code G-single-realtime}, {@code G1a},
 *     {@code incompatible-order}
 * @param count how many cases were found (for cycles: how many strongly
 *     connected components contained one)
 * @param example an explanation of one case (the smallest found), several lines of text
 */
public record Anomaly(String type, int count, String example) {}
