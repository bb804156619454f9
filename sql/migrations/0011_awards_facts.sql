-- The facts the award criteria read (awards.md): holidays and make-up
-- working days (the public notice counts working days), holds (no award
-- while one is open on the subject), initiatives and their authors, and
-- the leader level of staff (award lists split counts by it).
--
-- Holidays are the national calendar: one for the installation, no
-- agency. Holds and initiatives are of one agency (agency_id, for the
-- confinement of reads and lists). Every new table is audited per row.

-- ---------------------------------------------------------------- holidays
CREATE TABLE holidays (
    id   bigserial PRIMARY KEY,
    date date NOT NULL CONSTRAINT holidays_date_key UNIQUE,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kind text NOT NULL CHECK (kind IN ('holiday', 'working_day'))
);

-- ---------------------------------------------------------------- holds
-- A hold is open at T iff opened_on <= T and (closed_on is null or
-- closed_on > T).
CREATE TABLE holds (
    id           bigserial PRIMARY KEY,
    agency_id    bigint NOT NULL REFERENCES units (id),
    subject_type text NOT NULL CHECK (subject_type IN ('staff', 'unit')),
    staff_id     bigint REFERENCES staff (id),
    unit_id      bigint REFERENCES units (id),
    reason       text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
    opened_on    date NOT NULL,
    closed_on    date,
    CONSTRAINT holds_one_subject CHECK ((subject_type = 'staff') = (staff_id IS NOT NULL)
                                       AND (subject_type = 'unit') = (unit_id IS NOT NULL)),
    CONSTRAINT holds_closed_after_opened CHECK (closed_on IS NULL OR closed_on >= opened_on)
);
CREATE INDEX holds_agency_idx ON holds (agency_id, opened_on);
CREATE INDEX holds_staff_idx ON holds (staff_id) WHERE staff_id IS NOT NULL;
CREATE INDEX holds_unit_idx ON holds (unit_id) WHERE unit_id IS NOT NULL;

-- ---------------------------------------------------------------- initiatives
CREATE TABLE initiatives (
    id            bigserial PRIMARY KEY,
    agency_id     bigint NOT NULL REFERENCES units (id),
    title         text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 500),
    level         text NOT NULL CHECK (level IN ('co_so', 'tinh', 'toan_quoc')),
    recognized_on date NOT NULL,
    decision_no   text
);
CREATE INDEX initiatives_agency_idx ON initiatives (agency_id, recognized_on);

-- The authors of an initiative: staff of its agency. The row has an id of
-- its own so that its audit rows name it.
CREATE TABLE initiative_authors (
    id            bigserial PRIMARY KEY,
    initiative_id bigint NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    staff_id      bigint NOT NULL REFERENCES staff (id),
    CONSTRAINT initiative_authors_key UNIQUE (initiative_id, staff_id)
);
CREATE INDEX initiative_authors_staff_idx ON initiative_authors (staff_id);

-- ---------------------------------------------------------------- staff
-- none: người lao động trực tiếp; unit: lãnh đạo phòng/đơn vị; agency:
-- lãnh đạo Sở. A constant default: no rewrite of the table.
ALTER TABLE staff ADD COLUMN leader_level text NOT NULL DEFAULT 'none'
    CONSTRAINT staff_leader_level_check CHECK (leader_level IN ('none', 'unit', 'agency'));

-- ---------------------------------------------------------------- audit
CREATE TRIGGER holidays_audit AFTER INSERT OR UPDATE OR DELETE ON holidays
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER holds_audit AFTER INSERT OR UPDATE OR DELETE ON holds
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER initiatives_audit AFTER INSERT OR UPDATE OR DELETE ON initiatives
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER initiative_authors_audit AFTER INSERT OR UPDATE OR DELETE ON initiative_authors
    FOR EACH ROW EXECUTE FUNCTION audit_row();
