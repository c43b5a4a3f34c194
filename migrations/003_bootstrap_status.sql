-- Preparing an account (property group and properties) after install. An installation whose bootstrap failed
-- stays installed with status 'failed' and is retried (next_attempt_at) until it succeeds.
alter table installations
  add column bootstrap_status text not null default 'pending'
    check (bootstrap_status in ('pending', 'running', 'done', 'failed')),
  add column bootstrap_attempts integer not null default 0,
  add column bootstrap_error text,
  add column bootstrap_next_attempt_at timestamptz,
  add column bootstrapped_at timestamptz;
