-- One row per HubSpot account (portal) that installed the app. Tokens are sealed by src/crypto/token-cipher.ts
-- (AES-256-GCM, key id inside the value and in token_key_id); nothing here holds a token in clear.
create table installations (
  portal_id bigint primary key,
  hub_domain text,
  scopes text[] not null default '{}',
  access_token_enc text not null,
  refresh_token_enc text not null,
  token_key_id text not null,
  access_token_expires_at timestamptz not null,
  tokens_refreshed_at timestamptz,
  status text not null default 'active' check (status in ('active', 'uninstalled')),
  installed_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  uninstalled_at timestamptz,
  uninstall_reason text
);

create index installations_active_idx on installations (status) where status = 'active';
create index installations_key_idx on installations (token_key_id);
