-- Contacts deleted (deletion or privacy-deletion event) whose ids may still sit in queued jobs: the periodic
-- sweep removes their events from every stored job in one pass, then their rows. Ids only.
create table queue_erasures (
  portal_id bigint not null,
  contact_id text not null,
  noted_at timestamptz not null default now(),
  primary key (portal_id, contact_id)
);
