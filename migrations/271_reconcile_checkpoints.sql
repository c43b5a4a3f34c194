-- Reconciliation sweep (src/reconcile): per portal, how far the search on lastmodifieddate has been walked.
-- cursor_ms: contacts modified at or after this instant (epoch ms) are still to be compared with their last
-- verdict; tie_after_id: set only while the contacts sharing the instant cursor_ms (more than a page) are walked
-- by id, the hs_object_id reached among them.
create table reconcile_checkpoints (
  portal_id bigint primary key,
  cursor_ms bigint not null,
  tie_after_id text,
  runs bigint not null default 0,
  last_run_at timestamptz,
  last_window_end_ms bigint,
  last_checked integer not null default 0,
  last_judged integer not null default 0,
  total_judged bigint not null default 0,
  updated_at timestamptz not null default now()
);
