-- 0019_report_scale.sql — reports that grow with units, not people, and an
-- approval that renders nothing (README "Reports", deploy/reports.md).
--
-- dated: the document's date of issue ("Sóc Trăng, ngày 08 tháng 7 năm
-- 2025"), chosen at approval (default: that day in Vietnam); NULL for a
-- draft and for a report approved before this migration (its date is then
-- the approval's). Part of the frozen content.
--
-- award_refs: the award_grants refs a draft's figures counted, in the
-- order of ref. The figures hold counts (by award, by subject, by unit)
-- and names only of the awards granted at the higher level; ?explain=
-- lists the awards of a cell from these refs, so a count stays traceable
-- to what it counted after the data moved on, without one row per person
-- awarded in the frozen content. Not part of the content (nor of sha256),
-- but frozen with it.
--
-- The renderings (report_files) are no longer written by the approval:
-- whoever needs one first (a GET of the PDF or workbook, the deliverer)
-- renders it from the frozen content and stores it once
-- (report_files_ensure in fcgi/report_make.c, under an advisory lock;
-- the UNIQUE (report_id, format) of 0015 refuses a second copy).
ALTER TABLE reports ADD COLUMN dated date;
ALTER TABLE reports ADD COLUMN award_refs text[];
ALTER TABLE reports ADD CONSTRAINT reports_dated CHECK (dated IS NULL OR (state <> 'draft' AND dated >= as_of));

-- The frozen check of 0015, the comparison only for an approved row (a
-- draft's large columns are not read).
CREATE OR REPLACE FUNCTION reports_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state = 'draft' THEN
        RETURN NEW;
    END IF;
    IF (
           NEW.campaign_id, NEW.kind, NEW.number, NEW.as_of, NEW.period_from, NEW.period_to, NEW.figures,
           NEW.sections, NEW.content, NEW.sha256, NEW.replaces_id, NEW.approved_by, NEW.approved_at, NEW.dated,
           NEW.award_refs)
       IS DISTINCT FROM (
           OLD.campaign_id, OLD.kind, OLD.number, OLD.as_of, OLD.period_from, OLD.period_to, OLD.figures,
           OLD.sections, OLD.content, OLD.sha256, OLD.replaces_id, OLD.approved_by, OLD.approved_at, OLD.dated,
           OLD.award_refs) THEN
        RAISE EXCEPTION 'report % is approved: its content is frozen', OLD.id USING ERRCODE = 'check_violation',
              CONSTRAINT = 'reports_frozen';
    END IF;
    IF NEW.state = 'draft' THEN
        RAISE EXCEPTION 'report % is approved: it cannot become a draft again', OLD.id
              USING ERRCODE = 'check_violation', CONSTRAINT = 'reports_frozen';
    END IF;
    RETURN NEW;
END $$;

-- The audit of a report's row without its large columns: audit_row()
-- (0007) wrote to_jsonb of the whole row before and after, figures,
-- content and award_refs included, megabytes for every write of a large
-- agency's report (its delivery state too). The figures are named by
-- generated_at, the frozen content by sha256; sections are kept whole.
CREATE FUNCTION audit_report_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    b pg_catalog.jsonb;
    a pg_catalog.jsonb;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        b := pg_catalog.jsonb_build_object('id', OLD.id, 'campaign_id', OLD.campaign_id, 'kind', OLD.kind,
            'number', OLD.number, 'as_of', OLD.as_of, 'period_from', OLD.period_from, 'period_to', OLD.period_to,
            'state', OLD.state, 'generated_at', OLD.generated_at, 'sections', OLD.sections, 'sha256', OLD.sha256,
            'replaces_id', OLD.replaces_id, 'schedule_id', OLD.schedule_id, 'created_by', OLD.created_by,
            'created_at', OLD.created_at, 'approved_by', OLD.approved_by, 'approved_at', OLD.approved_at,
            'dated', OLD.dated);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        a := pg_catalog.jsonb_build_object('id', NEW.id, 'campaign_id', NEW.campaign_id, 'kind', NEW.kind,
            'number', NEW.number, 'as_of', NEW.as_of, 'period_from', NEW.period_from, 'period_to', NEW.period_to,
            'state', NEW.state, 'generated_at', NEW.generated_at, 'sections', NEW.sections, 'sha256', NEW.sha256,
            'replaces_id', NEW.replaces_id, 'schedule_id', NEW.schedule_id, 'created_by', NEW.created_by,
            'created_at', NEW.created_at, 'approved_by', NEW.approved_by, 'approved_at', NEW.approved_at,
            'dated', NEW.dated);
    END IF;
    IF TG_OP = 'UPDATE' AND a = b THEN
        RETURN NULL;
    END IF;
    INSERT INTO public.audit_log (user_id, action, entity, entity_id, before, after)
    VALUES (thidua_actor(), lower(TG_OP), TG_TABLE_NAME, (coalesce(a, b) ->> 'id')::bigint, b, a);
    RETURN NULL;
END $$;
DROP TRIGGER reports_audit ON reports;
CREATE TRIGGER reports_audit AFTER INSERT OR UPDATE OR DELETE ON reports FOR EACH ROW EXECUTE FUNCTION audit_report_row();
