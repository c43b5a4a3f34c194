-- Evidence ledger (enforcement): append-only, hash-chained per portal.
-- Each row's hash covers the previous row's hash and a canonical digest of the entry; the payload and the
-- contact id are covered through digests so that an erasure can blank them (leaving a hashed trace) without
-- breaking the chain. The head table serialises appends per portal (row lock) and remembers the chain tip.
create table if not exists evidence_ledger_head (
  portal_id bigint primary key,
  seq bigint not null,
  hash text not null
);

create table if not exists evidence_ledger (
  portal_id bigint not null,
  seq bigint not null,
  kind text not null,
  contact_id text,
  contact_ref text,
  subject_hash text,
  actor text not null,
  payload text,
  payload_digest text not null,
  at timestamptz not null,
  idempotency_key text,
  prev_hash text not null,
  hash text not null,
  erased_by_seq bigint,
  primary key (portal_id, seq)
);

create unique index if not exists evidence_ledger_idem on evidence_ledger (portal_id, idempotency_key)
  where idempotency_key is not null;
create index if not exists evidence_ledger_contact on evidence_ledger (portal_id, contact_ref);
create index if not exists evidence_ledger_kind on evidence_ledger (portal_id, kind);
