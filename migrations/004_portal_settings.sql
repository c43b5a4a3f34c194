-- Settings per portal (engine settings plus the app's own), validated by src/storage/installations.ts.
-- Kept apart from installations so they survive an uninstall and reinstall.
create table portal_settings (
  portal_id bigint primary key,
  settings jsonb not null,
  updated_at timestamptz not null default now()
);
