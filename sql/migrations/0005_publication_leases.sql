-- The publication outbox as `thidua push` drains it: a lease on the row
-- being sent (so a pusher killed mid-send releases it when the lease runs
-- out, and two pushers never send one row at the same time), the portal's
-- last HTTP status, an idempotency key fixed when the row is queued, and a
-- withdrawal at most once per publication.

ALTER TABLE publications
    ADD COLUMN leased_until timestamptz,
    ADD COLUMN lease_token  text,
    ADD COLUMN last_status  int,
    ADD COLUMN reason       text,
    ALTER COLUMN idempotency_key SET DEFAULT gen_random_uuid()::text,
    ADD CONSTRAINT publications_lease CHECK ((state = 'sending') = (leased_until IS NOT NULL)),
    ADD CONSTRAINT publications_kind_refs CHECK (
        (kind = 'exemplar' AND exemplar_id IS NOT NULL AND withdraws_id IS NULL)
        OR (kind = 'scorecard' AND campaign_id IS NOT NULL AND withdraws_id IS NULL)
        OR (kind = 'withdrawal' AND withdraws_id IS NOT NULL));

-- One withdrawal per publication; a failed withdrawal is retried, not repeated.
CREATE UNIQUE INDEX publications_one_withdrawal ON publications (withdraws_id) WHERE kind = 'withdrawal';
CREATE INDEX publications_list_idx ON publications (created_at DESC, id DESC);
CREATE INDEX publications_exemplar_idx ON publications (exemplar_id) WHERE exemplar_id IS NOT NULL;
CREATE INDEX exemplars_campaign_idx ON exemplars (campaign_id, state);
CREATE INDEX exemplar_events_exemplar_idx ON exemplar_events (exemplar_id, id);

-- The audit keeps what people and outcomes did to a publication (queued,
-- sent, failed, requeued), not every lease the pusher takes and gives back.
DROP TRIGGER publications_audit ON publications;
CREATE TRIGGER publications_audit AFTER INSERT OR DELETE ON publications
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER publications_audit_outcome AFTER UPDATE ON publications
    FOR EACH ROW WHEN (NEW.state IN ('sent', 'failed') OR OLD.state = 'failed')
    EXECUTE FUNCTION audit_row();
