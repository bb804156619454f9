-- thidua schema, part 1: identity, audit, the agency's units and staff, the
-- campaign and every fact its targets are computed from, and the workflow
-- tables that come next (nominations, votes, exemplars, the publication
-- outbox, reports). Constraints live here; the C code checks the same rules
-- first to name the field, and these are the backstop.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Vietnamese letter order (a ă â b c d đ e ê …) for names.
CREATE COLLATION IF NOT EXISTS vi (provider = icu, locale = 'vi-VN');

-- Accent- and case-free form of a text: "Nguyễn Đức" -> "nguyen duc".
CREATE FUNCTION thidua_fold(t text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(translate(regexp_replace(normalize(t, NFD), '[\u0300-\u036f]', '', 'g'), 'đĐ', 'dD'));

-- The acting user of the current transaction (set by the application with
-- set_config('thidua.user_id', id, true)); NULL for the system.
CREATE FUNCTION thidua_actor() RETURNS bigint
    LANGUAGE sql STABLE
    RETURN nullif(nullif(current_setting('thidua.user_id', true), ''), '0')::bigint;

-- ---------------------------------------------------------------- units
CREATE TABLE units (
    id           bigserial PRIMARY KEY,
    agency_id    bigint NOT NULL,
    parent_id    bigint REFERENCES units (id) ON DELETE RESTRICT,
    code         text NOT NULL CHECK (code ~ '^[A-Za-z0-9_.-]{1,40}$'),
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kind         text NOT NULL CHECK (kind IN ('agency', 'division', 'affiliated', 'party', 'union')),
    dissolved_on date,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT units_root_kind CHECK ((kind = 'agency') = (parent_id IS NULL)),
    CONSTRAINT units_agency_code_key UNIQUE (agency_id, code),
    CONSTRAINT units_agency_fk FOREIGN KEY (agency_id) REFERENCES units (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX units_parent_idx ON units (parent_id);

-- An agency is its own root; every other unit belongs to its parent's
-- agency and may not be moved under itself.
CREATE FUNCTION units_place() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_agency bigint;
BEGIN
    IF NEW.parent_id IS NULL THEN
        NEW.agency_id := NEW.id;
        RETURN NEW;
    END IF;
    SELECT agency_id INTO parent_agency FROM units WHERE id = NEW.parent_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such parent unit' USING ERRCODE = 'foreign_key_violation',
            CONSTRAINT = 'units_parent_id_fkey', COLUMN = 'parent_id';
    END IF;
    IF TG_OP = 'UPDATE' AND parent_agency IS DISTINCT FROM OLD.agency_id THEN
        RAISE EXCEPTION 'unit moved to another agency' USING ERRCODE = 'check_violation',
            CONSTRAINT = 'units_same_agency', COLUMN = 'parent_id';
    END IF;
    IF TG_OP = 'UPDATE' AND EXISTS (
        WITH RECURSIVE up AS (
            SELECT id, parent_id FROM units WHERE id = NEW.parent_id
            UNION ALL
            SELECT u.id, u.parent_id FROM units u JOIN up ON u.id = up.parent_id)
        SELECT 1 FROM up WHERE id = NEW.id) THEN
        RAISE EXCEPTION 'unit under itself' USING ERRCODE = 'check_violation',
            CONSTRAINT = 'units_no_cycle', COLUMN = 'parent_id';
    END IF;
    NEW.agency_id := parent_agency;
    RETURN NEW;
END $$;
CREATE TRIGGER units_place BEFORE INSERT OR UPDATE OF parent_id ON units
    FOR EACH ROW EXECUTE FUNCTION units_place();

-- ---------------------------------------------------------------- users
CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.-]{2,64}$'),
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'office', 'unit_head', 'council', 'director', 'viewer')),
    unit_id       bigint REFERENCES units (id),
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_unit_head_unit CHECK (role <> 'unit_head' OR unit_id IS NOT NULL)
);

CREATE TABLE sessions (
    token_hash  text PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expiry_idx ON sessions (expires_at);

-- ---------------------------------------------------------------- audit
CREATE TABLE audit_log (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    user_id   bigint,
    action    text NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    entity    text NOT NULL,
    entity_id bigint,
    before    jsonb,
    after     jsonb
);
CREATE INDEX audit_entity_idx ON audit_log (entity, entity_id);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- Every write to an audited table leaves its row here, in the same
-- transaction: who, when, what, the row before and after.
CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    b jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) - 'password_hash' END;
    a jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) - 'password_hash' END;
BEGIN
    IF TG_OP = 'UPDATE' AND a = b THEN
        RETURN NULL;
    END IF;
    INSERT INTO audit_log (user_id, action, entity, entity_id, before, after)
    VALUES (thidua_actor(), lower(TG_OP), TG_TABLE_NAME, (coalesce(a, b) ->> 'id')::bigint, b, a);
    RETURN NULL;
END $$;

-- ---------------------------------------------------------------- staff
CREATE TABLE staff (
    id          bigserial PRIMARY KEY,
    agency_id   bigint NOT NULL REFERENCES units (id),
    unit_id     bigint NOT NULL REFERENCES units (id),
    code        text NOT NULL CHECK (code ~ '^[A-Za-z0-9_.-]{1,40}$'),
    full_name   text NOT NULL CHECK (length(btrim(full_name)) BETWEEN 1 AND 200),
    category    text NOT NULL CHECK (category IN ('cong_chuc', 'vien_chuc', 'nguoi_lao_dong')),
    joined_on   date NOT NULL,
    left_on     date,
    given_name  text GENERATED ALWAYS AS (regexp_replace(btrim(full_name), '^.*\s', '')) STORED,
    name_folded text GENERATED ALWAYS AS (thidua_fold(full_name)) STORED,
    CONSTRAINT staff_agency_code_key UNIQUE (agency_id, code),
    CONSTRAINT staff_left_after_joined CHECK (left_on IS NULL OR left_on >= joined_on)
);
CREATE INDEX staff_unit_idx ON staff (unit_id);
CREATE INDEX staff_sort_idx ON staff (agency_id, given_name COLLATE vi, full_name COLLATE vi, id);
CREATE INDEX staff_name_trgm ON staff USING gin (name_folded gin_trgm_ops);

CREATE FUNCTION staff_place() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT agency_id INTO NEW.agency_id FROM units WHERE id = NEW.unit_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such unit' USING ERRCODE = 'foreign_key_violation',
            CONSTRAINT = 'staff_unit_id_fkey', COLUMN = 'unit_id';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.agency_id IS DISTINCT FROM OLD.agency_id THEN
        RAISE EXCEPTION 'staff moved to another agency' USING ERRCODE = 'check_violation',
            CONSTRAINT = 'staff_same_agency', COLUMN = 'unit_id';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER staff_place BEFORE INSERT OR UPDATE OF unit_id ON staff
    FOR EACH ROW EXECUTE FUNCTION staff_place();

-- ---------------------------------------------------------------- campaigns
CREATE TABLE campaigns (
    id           bigserial PRIMARY KEY,
    agency_id    bigint NOT NULL REFERENCES units (id),
    year         int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    code         text NOT NULL CHECK (code ~ '^[A-Za-z0-9_.-]{1,40}$'),
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 300),
    theme        text,
    plan_number  text,
    starts_on    date NOT NULL,
    ends_on      date NOT NULL,
    closes_on    date NOT NULL,
    data_version bigint NOT NULL DEFAULT 1,
    CONSTRAINT campaigns_agency_code_key UNIQUE (agency_id, code),
    CONSTRAINT campaigns_ends_after_start CHECK (ends_on >= starts_on),
    CONSTRAINT campaigns_closes_after_end CHECK (closes_on >= ends_on)
);

CREATE TABLE targets (
    id          bigserial PRIMARY KEY,
    campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    position    int NOT NULL,
    code        text NOT NULL CHECK (code ~ '^[A-Za-z0-9_.-]{1,60}$'),
    name        text NOT NULL,
    metric      text NOT NULL CHECK (metric IN ('task_completion', 'study_coverage', 'staff_title_share',
                    'unit_title_share', 'unit_title_count', 'rating', 'ratings_all', 'index_rank', 'certification')),
    params      jsonb NOT NULL DEFAULT '{}',
    comparator  text NOT NULL CHECK (comparator IN ('gt', 'ge', 'lt', 'le', 'eq')),
    threshold   jsonb,
    CONSTRAINT targets_campaign_code_key UNIQUE (campaign_id, code),
    CONSTRAINT targets_campaign_position_key UNIQUE (campaign_id, position)
);

CREATE TABLE study_topics (
    id          bigserial PRIMARY KEY,
    campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    code        text NOT NULL CHECK (code ~ '^[A-Za-z0-9_.-]{1,60}$'),
    title       text NOT NULL,
    required    boolean NOT NULL DEFAULT true,
    CONSTRAINT study_topics_campaign_code_key UNIQUE (campaign_id, code)
);

CREATE TABLE study_sessions (
    id          bigserial PRIMARY KEY,
    campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    topic_id    bigint NOT NULL REFERENCES study_topics (id) ON DELETE CASCADE,
    held_on     date NOT NULL,
    title       text
);
CREATE INDEX study_sessions_topic_idx ON study_sessions (topic_id, held_on);
CREATE INDEX study_sessions_campaign_idx ON study_sessions (campaign_id, held_on);

CREATE TABLE attendance (
    session_id  bigint NOT NULL REFERENCES study_sessions (id) ON DELETE CASCADE,
    staff_id    bigint NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, staff_id)
);
CREATE INDEX attendance_staff_idx ON attendance (staff_id);

CREATE TABLE tasks (
    id           bigserial PRIMARY KEY,
    campaign_id  bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    title        text NOT NULL,
    unit_id      bigint REFERENCES units (id),
    due_on       date NOT NULL,
    completed_on date
);
CREATE INDEX tasks_campaign_idx ON tasks (campaign_id, due_on);

-- A subject is a staff member or a unit: two typed references, exactly one set.
CREATE TABLE ratings (
    id           bigserial PRIMARY KEY,
    campaign_id  bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    subject_type text NOT NULL CHECK (subject_type IN ('staff', 'unit')),
    staff_id     bigint REFERENCES staff (id),
    unit_id      bigint REFERENCES units (id),
    level        text NOT NULL CHECK (level IN ('KHTNV', 'HTNV', 'HTTNV', 'HTXSNV')),
    decided_on   date NOT NULL,
    decision_no  text,
    CONSTRAINT ratings_one_subject CHECK ((subject_type = 'staff') = (staff_id IS NOT NULL)
                                         AND (subject_type = 'unit') = (unit_id IS NOT NULL))
);
CREATE INDEX ratings_subject_idx ON ratings (campaign_id, subject_type, unit_id, staff_id, decided_on);

CREATE TABLE titles (
    id           bigserial PRIMARY KEY,
    campaign_id  bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    subject_type text NOT NULL CHECK (subject_type IN ('staff', 'unit')),
    staff_id     bigint REFERENCES staff (id),
    unit_id      bigint REFERENCES units (id),
    title        text NOT NULL CHECK (title IN ('LDTT', 'CSTDCS', 'CSTD_TINH', 'CSTD_TOAN_QUOC', 'TTLDTT', 'TTLDXS')),
    decision_no  text,
    decided_on   date NOT NULL,
    CONSTRAINT titles_one_subject CHECK ((subject_type = 'staff') = (staff_id IS NOT NULL)
                                         AND (subject_type = 'unit') = (unit_id IS NOT NULL)),
    CONSTRAINT titles_kind_fits CHECK ((subject_type = 'staff') = (title IN ('LDTT', 'CSTDCS', 'CSTD_TINH', 'CSTD_TOAN_QUOC')))
);
CREATE UNIQUE INDEX titles_staff_key ON titles (campaign_id, staff_id, title) WHERE staff_id IS NOT NULL;
CREATE UNIQUE INDEX titles_unit_key ON titles (campaign_id, unit_id, title) WHERE unit_id IS NOT NULL;

CREATE TABLE index_ranks (
    id           bigserial PRIMARY KEY,
    agency_id    bigint NOT NULL REFERENCES units (id),
    kind         text NOT NULL CHECK (kind IN ('par_index', 'dti')),
    year         int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    score        numeric(8, 2),
    rank         int NOT NULL CHECK (rank >= 1),
    rank_total   int,
    published_on date NOT NULL,
    CONSTRAINT index_ranks_key UNIQUE (agency_id, kind, year),
    CONSTRAINT index_ranks_rank_in_total CHECK (rank_total IS NULL OR rank <= rank_total)
);

CREATE TABLE certifications (
    id          bigserial PRIMARY KEY,
    campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('security_order', 'good_learning_unit')),
    achieved    boolean NOT NULL,
    decided_on  date NOT NULL,
    decision_no text
);
CREATE INDEX certifications_idx ON certifications (campaign_id, kind, decided_on);

-- ---------------------------------------------------------------- workflow (next issues)
-- Nominations: a unit proposes a title or award for a person or collective;
-- the council votes; the director decides.
CREATE TABLE nominations (
    id           bigserial PRIMARY KEY,
    campaign_id  bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    subject_type text NOT NULL CHECK (subject_type IN ('staff', 'unit')),
    staff_id     bigint REFERENCES staff (id),
    unit_id      bigint REFERENCES units (id),
    award        text NOT NULL,
    reason       text,
    state        text NOT NULL DEFAULT 'proposed'
                 CHECK (state IN ('proposed', 'voting', 'approved', 'rejected', 'withdrawn')),
    proposed_by  bigint REFERENCES users (id),
    proposed_at  timestamptz NOT NULL DEFAULT now(),
    decided_by   bigint REFERENCES users (id),
    decided_at   timestamptz,
    decision_no  text,
    CONSTRAINT nominations_one_subject CHECK ((subject_type = 'staff') = (staff_id IS NOT NULL)
                                              AND (subject_type = 'unit') = (unit_id IS NOT NULL))
);

CREATE TABLE council_votes (
    nomination_id bigint NOT NULL REFERENCES nominations (id) ON DELETE CASCADE,
    user_id       bigint NOT NULL REFERENCES users (id),
    vote          text NOT NULL CHECK (vote IN ('for', 'against', 'abstain')),
    voted_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (nomination_id, user_id)
);

-- Exemplary people and models ("gương điển hình tiên tiến", "người tốt,
-- việc tốt", "mô hình mới, cách làm hay"): proposed by a unit, reviewed by
-- the office, approved by the director, then published.
CREATE TABLE exemplars (
    id           bigserial PRIMARY KEY,
    campaign_id  bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    unit_id      bigint NOT NULL REFERENCES units (id),
    subject_type text NOT NULL CHECK (subject_type IN ('person', 'collective')),
    staff_id     bigint REFERENCES staff (id),
    kind         text NOT NULL CHECK (kind IN ('guong_dien_hinh', 'nguoi_tot_viec_tot', 'mo_hinh_moi')),
    title        text NOT NULL,
    achievements text NOT NULL,
    period_from  date,
    period_to    date,
    state        text NOT NULL DEFAULT 'proposed'
                 CHECK (state IN ('proposed', 'returned', 'forwarded', 'approved', 'rejected')),
    state_reason text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT exemplars_person_has_staff CHECK ((subject_type = 'person') = (staff_id IS NOT NULL)),
    CONSTRAINT exemplars_period CHECK (period_to IS NULL OR period_from IS NULL OR period_to >= period_from)
);

CREATE TABLE exemplar_events (
    id          bigserial PRIMARY KEY,
    exemplar_id bigint NOT NULL REFERENCES exemplars (id) ON DELETE CASCADE,
    from_state  text,
    to_state    text NOT NULL,
    reason      text,
    user_id     bigint REFERENCES users (id),
    at          timestamptz NOT NULL DEFAULT now()
);

-- The publication outbox: written in the same transaction as what it
-- publishes; drained by `thidua push`.
CREATE TABLE publications (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('exemplar', 'scorecard', 'withdrawal')),
    campaign_id     bigint REFERENCES campaigns (id),
    exemplar_id     bigint REFERENCES exemplars (id),
    withdraws_id    bigint REFERENCES publications (id),
    payload         jsonb NOT NULL,
    idempotency_key text NOT NULL UNIQUE,
    state           text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    portal_ref      text,
    created_by      bigint REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX publications_due_idx ON publications (next_attempt_at) WHERE state IN ('queued', 'sending');

-- Mid-year and year-end reports to the emulation bloc (Khối thi đua).
CREATE TABLE reports (
    id          bigserial PRIMARY KEY,
    campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('mid_year', 'year_end')),
    as_of       date NOT NULL,
    content     jsonb NOT NULL,
    created_by  bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE report_deliveries (
    id           bigserial PRIMARY KEY,
    report_id    bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    channel      text NOT NULL CHECK (channel IN ('https', 'email')),
    destination  text NOT NULL,
    state        text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts     int NOT NULL DEFAULT 0,
    last_error   text,
    delivered_at timestamptz
);

-- ---------------------------------------------------------------- audit triggers
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['units', 'users', 'staff', 'campaigns', 'targets', 'study_topics', 'study_sessions',
                             'attendance', 'tasks', 'ratings', 'titles', 'index_ranks', 'certifications',
                             'nominations', 'council_votes', 'exemplars', 'publications', 'reports']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I
                        FOR EACH ROW EXECUTE FUNCTION audit_row()', t || '_audit', t);
    END LOOP;
END $$;
