-- Which release's property set an account was last bootstrapped with (a fingerprint of src/hubspot/properties.ts).
-- When a release adds properties (pg_preference_url, ...) or options, installs already 'done' are upgraded in place.
alter table installations add column bootstrap_schema text;
