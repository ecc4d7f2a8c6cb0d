package dev.ordo.proxy.server;

/**
 * What every client connection of a node shares.
 *
 * @param nodeId the node's id, in messages
 * @param database the database name clients must ask for
 * @param users the users clients must log in as (SCRAM-SHA-256), or null to let every client in as an
 *     administrator (a node on loopback without credentials)
 * @param serverVersion the version reported to drivers
 * @param backend the replicas' engine, reported to drivers
 */
public record ServerSettings(String nodeId, String database, Users users, String serverVersion, String backend) {}
