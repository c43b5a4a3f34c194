-- What the app itself knows about a contact, beyond HubSpot's record: consents with their proof, objections,
-- and the hashed suppression list. Every row carries portal_id and every query filters by it.
-- contact_id is HubSpot's record id as text (ids exceed 2^53 in some accounts).
create table contact_consents (
  id bigserial primary key,
  portal_id bigint not null,
  contact_id text not null,
  channel text not null,
  given_at timestamptz not null,
  method text not null,
  withdrawn_at timestamptz,
  expires_at timestamptz,
  partners jsonb not null default '[]'::jsonb,
  proof_ref text,
  recorded_by text,
  recorded_at timestamptz not null default now()
);
create index contact_consents_contact_idx on contact_consents (portal_id, contact_id);

create table contact_objections (
  id bigserial primary key,
  portal_id bigint not null,
  contact_id text not null,
  channel text not null,
  objected_at timestamptz not null,
  origin text not null default 'card',
  recorded_at timestamptz not null default now()
);
create index contact_objections_contact_idx on contact_objections (portal_id, contact_id);

-- One random salt per portal: the same address hashes differently in two portals, so hashes cannot be joined.
create table suppression_salts (
  portal_id bigint primary key,
  salt text not null,
  created_at timestamptz not null default now()
);

-- Only hashes of normalised identifiers (lower-cased email, E.164 phone). Survives contact deletion by design.
create table suppression_entries (
  portal_id bigint not null,
  kind text not null check (kind in ('email', 'phone')),
  hash text not null,
  channels jsonb not null,
  origin text not null default 'objection',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (portal_id, kind, hash)
);
