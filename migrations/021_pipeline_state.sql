-- State of the webhook pipeline: the last verdict and the properties last written per contact (to write only
-- what changed and to recognise our own writes), processed event keys (dedupe), the embedded-mode inbox and
-- pending set, and backfill checkpoints.
create table contact_state (
  portal_id bigint not null,
  contact_id text not null,
  status text,
  blockers text,
  verdict jsonb,
  written jsonb not null default '{}'::jsonb,
  -- Salted hashes (suppression_salts) of the normalised email and phone, never the values: on deletion they
  -- let an objection survive as a suppression entry.
  email_hash text,
  phone_hash text,
  evaluated_at timestamptz,
  written_at timestamptz,
  last_event_at timestamptz,
  sequence_enrolled boolean not null default false,
  sequence_alert_at timestamptz,
  primary key (portal_id, contact_id)
);
create index contact_state_status_idx on contact_state (portal_id, status);

-- eventId alone is not unique at HubSpot: the key is eventId:subscriptionType:objectId:occurredAt.
create table processed_events (
  portal_id bigint not null,
  event_key text not null,
  processed_at timestamptz not null default now(),
  primary key (portal_id, event_key)
);
create index processed_events_age_idx on processed_events (processed_at);

-- Embedded mode: a webhook batch is stored here before HubSpot gets its 200.
create table webhook_inbox (
  id bigserial primary key,
  received_at timestamptz not null default now(),
  events jsonb not null,
  state text not null default 'pending' check (state in ('pending', 'done', 'failed')),
  attempts integer not null default 0,
  last_error text,
  done_at timestamptz
);
create index webhook_inbox_pending_idx on webhook_inbox (id) where state = 'pending';

-- Embedded mode: contacts waiting to be judged (Redis holds this set when REDIS_URL is set).
-- claim names the batch that took the row; a row added again while claimed is released (claim null).
create table pending_contacts (
  portal_id bigint not null,
  contact_id text not null,
  claim text,
  added_at timestamptz not null default now(),
  primary key (portal_id, contact_id)
);
create index pending_contacts_claim_idx on pending_contacts (portal_id, claim);

create table backfill_runs (
  portal_id bigint primary key,
  state text not null check (state in ('pending', 'running', 'done', 'failed')),
  processed bigint not null default 0,
  written bigint not null default 0,
  total bigint,
  last_id text not null default '0',
  api_calls bigint not null default 0,
  error text,
  started_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);

-- Enrolments of blocked contacts in a sequence, detected from HubSpot's sequence properties (issue 6 acts on them).
create table sequence_detections (
  id bigserial primary key,
  portal_id bigint not null,
  contact_id text not null,
  sequence_id text not null default '',
  enrolled_at text not null default '',
  blockers text not null,
  detected_at timestamptz not null default now(),
  action text not null default 'flagged'
);
create unique index sequence_detections_once_idx on sequence_detections (portal_id, contact_id, sequence_id, enrolled_at);
