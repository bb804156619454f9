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

CREATE OR REPLACE FUNCTION reports_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state <> 'draft' AND (
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
    IF OLD.state <> 'draft' AND NEW.state = 'draft' THEN
        RAISE EXCEPTION 'report % is approved: it cannot become a draft again', OLD.id
              USING ERRCODE = 'check_violation', CONSTRAINT = 'reports_frozen';
    END IF;
    RETURN NEW;
END $$;
