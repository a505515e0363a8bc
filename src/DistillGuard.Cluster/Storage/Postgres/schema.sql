-- DistillGuard cluster store on PostgreSQL (docs/cluster.md, "PostgreSQL instead of Redis").
--
-- Two things live here, in the schema named by DistillGuard (default "distillguard"; the silo puts it first on the
-- connection's search path, so the names below are unqualified):
--   1. Orleans cluster membership, read and written by Orleans' ADO.NET clustering provider
--      (Microsoft.Orleans.Clustering.AdoNet). The provider runs only the queries stored in OrleansQuery, by key, with
--      named parameters, and reads results by column name. The queries below are DistillGuard's own implementation of
--      that contract (Orleans' membership protocol: every change to a silo row bumps the deployment's version row, in
--      the same transaction, only if the version is the one the caller read; "true" is a count > 0).
--   2. The detectors' durable logs (DetectorLog) and the expiry of scan logs (DetectorLogExpiry).
--
-- Idempotent. A silo runs it at start only if DistillGuardSchema does not yet hold this script's version (the last
-- statement below), under a transaction-scoped advisory lock, so the first silo creates the tables and a later release
-- brings them and the queries up to date; when the version is current a silo changes nothing and needs only the rights
-- to read and write the tables. A DBA can run it by hand instead (psql -f) after
-- `CREATE SCHEMA distillguard; SET search_path = distillguard;`, and give the silos a role without DDL rights.

CREATE TABLE IF NOT EXISTS DistillGuardSchema
(
    Id      integer NOT NULL PRIMARY KEY DEFAULT 1 CHECK (Id = 1),
    Version integer NOT NULL
);

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

-- One row per cluster (Orleans calls the cluster id DeploymentId): the membership table's version.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL PRIMARY KEY,
    Timestamp    timestamptz  NOT NULL DEFAULT now(),
    Version      integer      NOT NULL DEFAULT 0
);

-- One row per silo incarnation (address, port, generation).
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150)  NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
    Address      varchar(45)   NOT NULL,
    Port         integer       NOT NULL,
    Generation   integer       NOT NULL,
    SiloName     varchar(150)  NOT NULL,
    HostName     varchar(150)  NOT NULL,
    Status       integer       NOT NULL,
    ProxyPort    integer       NULL,
    SuspectTimes varchar(8000) NULL,
    StartTime    timestamptz   NOT NULL,
    IAmAliveTime timestamptz   NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

-- A detector's log: entry n at Position n, no gaps (the append checks the length), bytes as ExchangeBatchCodec wrote them.
CREATE TABLE IF NOT EXISTS DetectorLog
(
    Detector text   NOT NULL,
    Position bigint NOT NULL,
    Entry    bytea  NOT NULL,
    PRIMARY KEY (Detector, Position)
);

-- Entries are batches of about 1.4 MB of JSON: lz4 compresses them far faster than the default pglz (one silo on 2
-- cores: about 25,000 vs 14,200 exchanges/s, docs/cluster.md). PostgreSQL before 14, or built without lz4, keeps pglz.
-- (EXECUTE: PostgreSQL before 14 cannot even parse SET COMPRESSION, and a DO block's static SQL is parsed up front.)
DO $$
BEGIN
    IF current_setting('server_version_num')::integer >= 140000 THEN
        EXECUTE 'ALTER TABLE DetectorLog ALTER COLUMN Entry SET COMPRESSION lz4';
    END IF;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    NULL; -- built without lz4
END
$$;

-- When a scan's log may be deleted (a day after its last append; a gateway fleet's log has no row here).
CREATE TABLE IF NOT EXISTS DetectorLogExpiry
(
    Detector  text        NOT NULL PRIMARY KEY,
    ExpiresAt timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS DetectorLogExpiry_ExpiresAt ON DetectorLogExpiry (ExpiresAt);

-- The membership queries. Parameters arrive typed by their .NET values; the casts make every type explicit anyway.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpdateIAmAlivetimeKey', $q$
    UPDATE OrleansMembershipTable
    SET IAmAliveTime = @IAmAliveTime::timestamptz
    WHERE DeploymentId = @DeploymentId::varchar AND Address = @Address::varchar
      AND Port = @Port::integer AND Generation = @Generation::integer;
$q$),

-- 1 if this call created the cluster's version row, 0 if it existed.
('InsertMembershipVersionKey', $q$
    WITH created AS (
        INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId::varchar)
        ON CONFLICT (DeploymentId) DO NOTHING
        RETURNING 1)
    SELECT count(*)::integer FROM created;
$q$),

-- Insert a silo row and bump the version, both or neither: the version row is locked only if it still holds the
-- version the caller read (a concurrent writer that got there first changes it, so this one inserts nothing), the
-- insert happens only through that locked row, and the bump only through the inserted row.
('InsertMembershipKey', $q$
    WITH expected AS (
        SELECT DeploymentId FROM OrleansMembershipVersionTable
        WHERE DeploymentId = @DeploymentId::varchar AND Version = @Version::integer
        FOR UPDATE),
    inserted AS (
        INSERT INTO OrleansMembershipTable
            (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
        SELECT DeploymentId, @Address::varchar, @Port::integer, @Generation::integer, @SiloName::varchar,
               @HostName::varchar, @Status::integer, @ProxyPort::integer, @StartTime::timestamptz, @IAmAliveTime::timestamptz
        FROM expected
        ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING
        RETURNING DeploymentId),
    bumped AS (
        UPDATE OrleansMembershipVersionTable v SET Version = v.Version + 1, Timestamp = now()
        FROM inserted WHERE v.DeploymentId = inserted.DeploymentId
        RETURNING 1)
    SELECT count(*)::integer FROM bumped;
$q$),

-- Update a silo row and bump the version, both or neither, under the same rule as the insert.
('UpdateMembershipKey', $q$
    WITH expected AS (
        SELECT DeploymentId FROM OrleansMembershipVersionTable
        WHERE DeploymentId = @DeploymentId::varchar AND Version = @Version::integer
        FOR UPDATE),
    updated AS (
        UPDATE OrleansMembershipTable m
        SET Status = @Status::integer, SuspectTimes = @SuspectTimes::varchar, IAmAliveTime = @IAmAliveTime::timestamptz
        FROM expected
        WHERE m.DeploymentId = expected.DeploymentId AND m.Address = @Address::varchar
          AND m.Port = @Port::integer AND m.Generation = @Generation::integer
        RETURNING m.DeploymentId),
    bumped AS (
        UPDATE OrleansMembershipVersionTable v SET Version = v.Version + 1, Timestamp = now()
        FROM updated WHERE v.DeploymentId = updated.DeploymentId
        RETURNING 1)
    SELECT count(*)::integer FROM bumped;
$q$),

-- The version row always comes back (with null silo columns when the silo has no row).
('MembershipReadRowKey', $q$
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m
      ON m.DeploymentId = v.DeploymentId AND m.Address = @Address::varchar
     AND m.Port = @Port::integer AND m.Generation = @Generation::integer
    WHERE v.DeploymentId = @DeploymentId::varchar;
$q$),

('MembershipReadAllKey', $q$
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
    WHERE v.DeploymentId = @DeploymentId::varchar;
$q$),

('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId::varchar;
    DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId::varchar;
$q$),

-- Gateways for clients: silos with the requested status (active) that accept clients.
('GatewaysQueryKey', $q$
    SELECT Address, ProxyPort, Generation
    FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId::varchar AND Status = @Status::integer AND ProxyPort > 0;
$q$),

-- Rows of dead silos (6 = Dead) that stopped saying they are alive before the given time.
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId::varchar AND IAmAliveTime < @IAmAliveTime::timestamptz AND Status = 6;
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- This script's version (PostgresSchema.Version): silos skip the script once the database holds it.
INSERT INTO DistillGuardSchema (Id, Version) VALUES (1, 1)
ON CONFLICT (Id) DO UPDATE SET Version = excluded.Version;
