/**
 * Ordo's SQL grammar: Calcite's parser extended with the PostgreSQL and H2 forms
 * applications send ({@code RETURNING}, {@code ON CONFLICT}, locking clauses,
 * {@code UPDATE … FROM}, {@code DELETE … USING}, H2 {@code MERGE … KEY}, DDL for
 * tables, indexes and sequences), and the parse-tree nodes for those forms.
 *
 * <p>{@code OrdoSqlParserImpl} is generated at build time from Calcite's
 * {@code Parser.jj} template and {@code src/main/codegen} (FMPP, then JavaCC).
 * The trees serve classification only: Ordo forwards the original SQL text, so
 * the nodes do not promise to unparse to equivalent SQL.
 */
package dev.ordo.proxy.sql.parser;
