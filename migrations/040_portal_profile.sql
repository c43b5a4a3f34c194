-- What the company sells and does, for B2B relevance (settings page). Install's portal_settings holds the rest
-- of the settings; this is the part only the settings page and notices use. One row per portal.
create table if not exists portal_profile (
  portal_id bigint primary key,
  offer_description text not null default '',
  activity text not null default '',
  updated_at timestamptz not null default now()
);
