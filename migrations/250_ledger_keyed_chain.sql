-- Evidence ledger, keyed chain (issue 14.6). Entries written from now on are hashed with HMAC-SHA256 under a key
-- from the configuration (LEDGER_HMAC_KEY), never stored here, so someone who can write to this database can no
-- longer recompute a valid chain after an edit. hash_version 1 marks the earlier, unkeyed sha256 entries; the
-- ledger rewrites a portal's legacy chain under the key once (after checking it) and records that it did.
alter table evidence_ledger add column if not exists hash_version smallint not null default 1;
alter table evidence_ledger add column if not exists key_id text;
alter table evidence_ledger_head add column if not exists hash_version smallint not null default 1;
