-- The pipeline's sweep re-queues contacts whose evidence is newer than their last judgement, looking at the
-- last 7 days of consents and objections: index the time it filters on.
create index if not exists contact_consents_recorded_idx on contact_consents (recorded_at);
create index if not exists contact_objections_recorded_idx on contact_objections (recorded_at);
