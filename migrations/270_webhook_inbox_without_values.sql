-- The webhook inbox keeps only what ingestion needs: ids, types, times and property names. Rows written before
-- lose the property values they carried, and ingested rows go (dedupe lives in processed_events).
delete from webhook_inbox where state = 'done';
update webhook_inbox set events = coalesce((select jsonb_agg(e - 'propertyValue') from jsonb_array_elements(events) e), '[]'::jsonb)
where exists (select 1 from jsonb_array_elements(events) e where e ? 'propertyValue');
