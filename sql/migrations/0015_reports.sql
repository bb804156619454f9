-- 0015_reports.sql — reports to the Khối thi đua (reports.md): a report is
-- generated from the data as of a day, edited (its narrative sections)
-- while a draft, approved by the director with its number and then frozen:
-- its content never changes again and sha256 is the digest of that content
-- in canonical JSON (RFC 8785). Approval queues one delivery per
-- destination in the same transaction (the outbox, drained by `thidua
-- report deliver` like `thidua push`). Schedules make drafts on their own.
-- Blocs (Khối thi đua) group agencies; a bloc's lead agency reads their
-- campaigns side by side.

-- 0001 had a first guess at reports and their deliveries that no route or
-- command ever wrote: they are replaced.
DROP TABLE report_deliveries;
DROP TABLE reports;

-- ---------------------------------------------------------------- blocs
CREATE TABLE blocs (
    id             bigserial PRIMARY KEY,
    code           text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_.-]{1,40}$'),
    name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 300),
    lead_agency_id bigint NOT NULL REFERENCES units (id)
);
CREATE TABLE bloc_members (
    id        bigserial PRIMARY KEY,
    bloc_id   bigint NOT NULL REFERENCES blocs (id) ON DELETE CASCADE,
    agency_id bigint NOT NULL REFERENCES units (id),
    CONSTRAINT bloc_members_key UNIQUE (bloc_id, agency_id)
);
CREATE INDEX bloc_members_agency_idx ON bloc_members (agency_id);

-- ---------------------------------------------------------------- reports
CREATE TABLE reports (
    id            bigserial PRIMARY KEY,
    campaign_id   bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('mid_year', 'year_end', 'award_statistics')),
    number        text CHECK (number IS NULL OR length(btrim(number)) BETWEEN 1 AND 60),
    as_of         date NOT NULL,
    period_from   date NOT NULL,
    period_to     date NOT NULL,
    state         text NOT NULL DEFAULT 'draft'
                  CHECK (state IN ('draft', 'approved', 'delivered', 'delivery_failed')),
    -- The generated figures (the scorecard, the per-unit table, awards...),
    -- and those of the generation before (what changed since).
    figures       jsonb NOT NULL,
    figures_before jsonb,
    generated_at  timestamptz NOT NULL DEFAULT now(),
    -- ưu điểm, hạn chế, bài học kinh nghiệm, phương hướng, kiến nghị.
    sections      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(sections) = 'object'),
    -- The frozen content (as answered by GET, canonical) and its digest.
    content       jsonb,
    sha256        text CHECK (sha256 IS NULL OR sha256 ~ '^[0-9a-f]{64}$'),
    replaces_id   bigint REFERENCES reports (id),
    schedule_id   bigint,
    created_by    bigint REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    approved_by   bigint REFERENCES users (id),
    approved_at   timestamptz,
    CONSTRAINT reports_period CHECK (period_from <= period_to),
    CONSTRAINT reports_frozen CHECK ((state = 'draft') = (sha256 IS NULL)
                                     AND (state = 'draft') = (content IS NULL)
                                     AND (state = 'draft') = (approved_at IS NULL)
                                     AND (state = 'draft' OR number IS NOT NULL))
);
CREATE INDEX reports_campaign_idx ON reports (campaign_id, id);
CREATE UNIQUE INDEX reports_number_key ON reports (campaign_id, number) WHERE number IS NOT NULL;

-- Once approved, nothing of a report changes but its delivery state
-- (approved → delivered | delivery_failed, and back to approved when a
-- failed delivery is retried). Said by the database, not only the API.
CREATE FUNCTION reports_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state <> 'draft' AND (
           NEW.campaign_id, NEW.kind, NEW.number, NEW.as_of, NEW.period_from, NEW.period_to, NEW.figures,
           NEW.sections, NEW.content, NEW.sha256, NEW.replaces_id, NEW.approved_by, NEW.approved_at)
       IS DISTINCT FROM (
           OLD.campaign_id, OLD.kind, OLD.number, OLD.as_of, OLD.period_from, OLD.period_to, OLD.figures,
           OLD.sections, OLD.content, OLD.sha256, OLD.replaces_id, OLD.approved_by, OLD.approved_at) THEN
        RAISE EXCEPTION 'report % is approved: its content is frozen', OLD.id USING ERRCODE = 'check_violation',
              CONSTRAINT = 'reports_frozen';
    END IF;
    IF OLD.state <> 'draft' AND NEW.state = 'draft' THEN
        RAISE EXCEPTION 'report % is approved: it cannot become a draft again', OLD.id
              USING ERRCODE = 'check_violation', CONSTRAINT = 'reports_frozen';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER reports_frozen BEFORE UPDATE ON reports FOR EACH ROW EXECUTE FUNCTION reports_frozen();
CREATE FUNCTION reports_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state <> 'draft' THEN
        RAISE EXCEPTION 'report % is approved: it is kept', OLD.id USING ERRCODE = 'check_violation',
              CONSTRAINT = 'reports_frozen';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports FOR EACH ROW EXECUTE FUNCTION reports_no_delete();

-- The rendered documents of an approved report, written in the approval's
-- transaction (or by `thidua report` for an auto-approved one): what is
-- delivered is exactly what was approved.
CREATE TABLE report_files (
    id        bigserial PRIMARY KEY,
    report_id bigint NOT NULL REFERENCES reports (id),
    format    text NOT NULL CHECK (format IN ('pdf', 'xlsx')),
    bytes     bytea NOT NULL,
    sha256    text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT report_files_key UNIQUE (report_id, format)
);
CREATE FUNCTION report_files_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a rendered report is kept as it was approved' USING ERRCODE = 'check_violation',
          CONSTRAINT = 'report_files_frozen';
END $$;
CREATE TRIGGER report_files_frozen BEFORE UPDATE OR DELETE ON report_files
    FOR EACH ROW EXECUTE FUNCTION report_files_frozen();

-- ---------------------------------------------------------------- destinations
CREATE TABLE report_destinations (
    id        bigserial PRIMARY KEY,
    agency_id bigint NOT NULL REFERENCES units (id),
    name      text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    channel   text NOT NULL CHECK (channel IN ('https', 'email')),
    url       text CHECK (url IS NULL OR url ~ '^https://'),
    address   text CHECK (address IS NULL OR address ~ '^[^@\s]+@[^@\s]+$'),
    kinds     text[] NOT NULL DEFAULT '{mid_year,year_end,award_statistics}'
              CHECK (kinds <@ ARRAY['mid_year', 'year_end', 'award_statistics']::text[] AND cardinality(kinds) >= 1),
    active    boolean NOT NULL DEFAULT true,
    CONSTRAINT report_destinations_target CHECK ((channel = 'https') = (url IS NOT NULL)
                                                 AND (channel = 'email') = (address IS NOT NULL))
);

-- One delivery per report and destination, queued by the approval.
CREATE TABLE report_deliveries (
    id              bigserial PRIMARY KEY,
    report_id       bigint NOT NULL REFERENCES reports (id),
    destination_id  bigint NOT NULL REFERENCES report_destinations (id),
    state           text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    leased_until    timestamptz,
    lease_token     text,
    last_status     int,
    last_error      text,
    idempotency_key text NOT NULL DEFAULT gen_random_uuid()::text UNIQUE,
    message_id      text,
    acknowledged_at timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT report_deliveries_key UNIQUE (report_id, destination_id),
    CONSTRAINT report_deliveries_lease CHECK ((state = 'sending') = (leased_until IS NOT NULL))
);
CREATE INDEX report_deliveries_due_idx ON report_deliveries (next_attempt_at) WHERE state = 'queued';

-- Each attempt, for GET /reports/{id}/deliveries.
CREATE TABLE report_delivery_attempts (
    id          bigserial PRIMARY KEY,
    delivery_id bigint NOT NULL REFERENCES report_deliveries (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT now(),
    status      int,
    error       text,
    ok          boolean NOT NULL
);
CREATE INDEX report_delivery_attempts_idx ON report_delivery_attempts (delivery_id, id);

-- ---------------------------------------------------------------- schedules
CREATE TABLE report_schedules (
    id           bigserial PRIMARY KEY,
    campaign_id  bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('mid_year', 'year_end', 'award_statistics')),
    as_of        date,
    draft_on     date NOT NULL,
    due_on       date NOT NULL,
    destinations bigint[] NOT NULL DEFAULT '{}',
    auto_approve boolean NOT NULL DEFAULT false,
    report_id    bigint REFERENCES reports (id),
    CONSTRAINT report_schedules_order CHECK (draft_on <= due_on),
    CONSTRAINT report_schedules_key UNIQUE (campaign_id, kind, draft_on)
);
ALTER TABLE reports ADD CONSTRAINT reports_schedule_fk FOREIGN KEY (schedule_id) REFERENCES report_schedules (id);

-- ---------------------------------------------------------------- audit
CREATE TRIGGER blocs_audit AFTER INSERT OR UPDATE OR DELETE ON blocs FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER bloc_members_audit AFTER INSERT OR UPDATE OR DELETE ON bloc_members
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER reports_audit AFTER INSERT OR UPDATE OR DELETE ON reports FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER report_destinations_audit AFTER INSERT OR UPDATE OR DELETE ON report_destinations
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER report_schedules_audit AFTER INSERT OR UPDATE OR DELETE ON report_schedules
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER report_deliveries_audit AFTER INSERT OR DELETE ON report_deliveries
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER report_deliveries_audit_outcome AFTER UPDATE ON report_deliveries
    FOR EACH ROW WHEN (NEW.state IN ('sent', 'failed') OR OLD.state = 'failed') EXECUTE FUNCTION audit_row();
