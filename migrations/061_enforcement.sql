-- Enforcement state: per-portal hashing salt for ledger subject hashes, data subject requests, sequence blocks
-- (one row per detected enrolment, so a block is acted on once), per-portal lever discovery, retention sweep
-- checkpoints. Every table carries portal_id and every query filters by it.
create table if not exists enforcement_salts (
  portal_id bigint primary key,
  salt text not null,
  created_at timestamptz not null default now()
);

create table if not exists dsr_requests (
  id text primary key,
  portal_id bigint not null,
  contact_id text,
  subject_hash text,
  kind text not null check (kind in ('access', 'erasure', 'objection', 'rectification')),
  origin text not null,
  status text not null check (status in ('open', 'extended', 'closed', 'rejected')),
  received_at timestamptz not null,
  due_at timestamptz not null,
  extended_at timestamptz,
  extension_reason text,
  closed_at timestamptz,
  outcome text,
  last_reminder_at timestamptz,
  reminders_sent integer not null default 0,
  details text not null default '{}'
);
create index if not exists dsr_requests_portal_due on dsr_requests (portal_id, status, due_at);
create index if not exists dsr_requests_contact on dsr_requests (portal_id, contact_id);

create table if not exists sequence_blocks (
  portal_id bigint not null,
  contact_id text not null,
  enrollment_key text not null,
  detected_at timestamptz not null,
  detected_by text not null,
  levers text not null default '[]',
  ledger_seq bigint,
  primary key (portal_id, contact_id, enrollment_key)
);

create table if not exists enforcement_portal_state (
  portal_id bigint primary key,
  unenroll_action_type_id text,
  unenroll_flow_id text,
  sales_subscription_id text,
  levers_checked_at timestamptz,
  sequence_poll_after text
);

create table if not exists retention_runs (
  id text primary key,
  portal_id bigint not null,
  started_at timestamptz not null,
  finished_at timestamptz,
  phase text not null,
  cursor_value text,
  counts text not null default '{}'
);
create index if not exists retention_runs_portal on retention_runs (portal_id, started_at);
