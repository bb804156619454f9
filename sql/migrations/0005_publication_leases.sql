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

-- The document the portal receives for an approved exemplar
-- (deploy/portal.md): one definition for the approval in the API and for
-- data loaded by other means (the demo).
CREATE FUNCTION thidua_exemplar_document(exemplar bigint) RETURNS jsonb
    LANGUAGE sql STABLE
    RETURN (
        SELECT jsonb_build_object(
            'kind', 'exemplar',
            'heading', k.label || ': ' || CASE WHEN x.subject_type = 'person' THEN s.full_name ELSE u.name END,
            'agency', jsonb_build_object('code', a.code, 'name', a.name),
            'campaign', jsonb_build_object('id', c.id, 'code', c.code, 'year', c.year, 'name', c.name),
            'exemplar', jsonb_build_object(
                'id', x.id, 'kind', x.kind, 'kind_label', k.label,
                'subject_type', x.subject_type,
                'subject_label', CASE WHEN x.subject_type = 'person' THEN 'Cá nhân' ELSE 'Tập thể' END,
                'name', CASE WHEN x.subject_type = 'person' THEN s.full_name ELSE u.name END,
                'unit', jsonb_build_object('code', u.code, 'name', u.name),
                'title', x.title, 'achievements', x.achievements,
                'period_from', x.period_from, 'period_to', x.period_to),
            'approved_at', coalesce((SELECT max(ev.at) FROM exemplar_events ev
                                     WHERE ev.exemplar_id = x.id AND ev.to_state = 'approved'), now()))
        FROM exemplars x
        JOIN campaigns c ON c.id = x.campaign_id
        JOIN units a ON a.id = c.agency_id
        JOIN units u ON u.id = x.unit_id
        LEFT JOIN staff s ON s.id = x.staff_id
        CROSS JOIN LATERAL (SELECT CASE x.kind WHEN 'guong_dien_hinh' THEN 'Gương điển hình tiên tiến'
                                   WHEN 'nguoi_tot_viec_tot' THEN 'Người tốt, việc tốt'
                                   ELSE 'Mô hình mới, cách làm hay' END AS label) k
        WHERE x.id = exemplar);

-- Queues an approved exemplar's publication; returns its id (NULL when
-- the exemplar is not approved).
CREATE FUNCTION thidua_enqueue_exemplar(exemplar bigint, actor bigint) RETURNS bigint
    LANGUAGE sql VOLATILE AS $$
        INSERT INTO publications (kind, campaign_id, exemplar_id, payload, created_by)
        SELECT 'exemplar', x.campaign_id, x.id, thidua_exemplar_document(x.id), actor
        FROM exemplars x WHERE x.id = exemplar AND x.state = 'approved'
        RETURNING id
    $$;
