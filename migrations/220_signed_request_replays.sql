-- Idempotency of state-changing signed requests (card, settings, workflow action): the first answer to a signed
-- request, keyed by a hash of its signature and timestamp, kept for the signature window. A replay of the same
-- signed request gets this answer back and changes nothing. Rows past expires_at are swept on write; an erasure
-- from the card drops the contact's stored answers (an access export holds personal data).
create table if not exists signed_request_replays (
  portal_id bigint not null,
  request_key text not null,
  contact_id text,
  state text not null check (state in ('pending', 'done')),
  status integer,
  body jsonb,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  primary key (portal_id, request_key)
);
create index if not exists signed_request_replays_expiry on signed_request_replays (portal_id, expires_at);
create index if not exists signed_request_replays_contact on signed_request_replays (portal_id, contact_id);
