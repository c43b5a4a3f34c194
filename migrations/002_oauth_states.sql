-- The `state` of each OAuth install attempt: single use (consumed_at set atomically), expiring.
create table oauth_states (
  state_id text primary key,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  consumed_at timestamptz
);

create index oauth_states_expires_idx on oauth_states (expires_at);
