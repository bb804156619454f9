-- thidua schema, part 4: what the scorecard needs to be right and fast.
--
-- 1. campaigns.data_version changes in the same transaction as every write
--    to a fact the campaign's scorecard depends on: its row, its targets,
--    topics, sessions, attendance, tasks, ratings, titles, certifications,
--    and the units, staff and index ranks of its agency. Statement-level
--    triggers with transition tables: one UPDATE of campaigns per statement,
--    whatever the number of rows (a 100 000-row import bumps once).
--    The version is what the ETag and the computed-result cache are keyed
--    on, so a cached answer can never outlive the data it was computed from.
-- 2. scorecard_staff: per campaign and staff member, the few dates that
--    decide the staff-based targets at any as_of (joined, left, when each
--    required topic was first attended, when each title level was first
--    held). Kept by the same triggers; the cold scorecard reads one row per
--    staff member instead of aggregating attendance (millions of rows at
--    1 000 000 staff).
-- 3. scorecard_cache: computed answers keyed by campaign, kind, as_of and
--    version (see fcgi/scorecard.h for why a table and not worker memory).

-- ---------------------------------------------------------------- version

-- A direct change of a campaign row (dates, name, ...) is itself a new
-- version; the bumps below change data_version themselves and are left as
-- they are.
CREATE FUNCTION scorecard_campaign_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.data_version = OLD.data_version THEN
        NEW.data_version := OLD.data_version + 1;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER campaigns_data_version BEFORE UPDATE ON campaigns
    FOR EACH ROW EXECUTE FUNCTION scorecard_campaign_touch();

-- The audit log records what people changed; a version bump alone is
-- bookkeeping, not a change of the campaign. Same function as in 0001, but
-- an update that differs only in data_version leaves no audit row.
CREATE OR REPLACE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    b jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) - 'password_hash' END;
    a jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) - 'password_hash' END;
BEGIN
    IF TG_OP = 'UPDATE' AND a - 'data_version' = b - 'data_version' THEN
        RETURN NULL;
    END IF;
    INSERT INTO audit_log (user_id, action, entity, entity_id, before, after)
    VALUES (thidua_actor(), lower(TG_OP), TG_TABLE_NAME, (coalesce(a, b) ->> 'id')::bigint, b, a);
    RETURN NULL;
END $$;

-- Facts that carry campaign_id.
CREATE FUNCTION scorecard_bump_by_campaign() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE campaigns SET data_version = data_version + 1
         WHERE id IN (SELECT campaign_id FROM new_rows);
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE campaigns SET data_version = data_version + 1
         WHERE id IN (SELECT campaign_id FROM new_rows UNION SELECT campaign_id FROM old_rows);
    ELSE
        UPDATE campaigns SET data_version = data_version + 1
         WHERE id IN (SELECT campaign_id FROM old_rows);
    END IF;
    RETURN NULL;
END $$;

-- Facts of an agency (units, staff, index ranks): every campaign of it.
CREATE FUNCTION scorecard_bump_by_agency() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE campaigns SET data_version = data_version + 1
         WHERE agency_id IN (SELECT agency_id FROM new_rows);
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE campaigns SET data_version = data_version + 1
         WHERE agency_id IN (SELECT agency_id FROM new_rows UNION SELECT agency_id FROM old_rows);
    ELSE
        UPDATE campaigns SET data_version = data_version + 1
         WHERE agency_id IN (SELECT agency_id FROM old_rows);
    END IF;
    RETURN NULL;
END $$;

-- TRUNCATE has no transition table: every campaign changes.
CREATE FUNCTION scorecard_bump_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE campaigns SET data_version = data_version + 1;
    RETURN NULL;
END $$;

-- ---------------------------------------------------------------- per-staff summary

-- One row per campaign and person on its agency's staff (ever), holding
-- what decides the staff-based targets at any as_of, so that the cold
-- scorecard is one scan of one table (measured at 1 000 000 staff: about
-- 0.2 s, against 1.1 s for staff joined to a summary of the active ones,
-- and several seconds aggregating attendance):
-- unit_id, joined_on, left_on: copied from staff.
-- study: for each required topic of the campaign the person attended, the
-- date of the first session of it they attended; ascending. With k the
-- number of required topics that have had a session by D', the person is
-- covered at D' iff study[k] <= D' (an entry <= D' is a topic that counts,
-- so k such entries are every topic that counts; a shorter array gives
-- NULL). Sessions after ends_on need no filtering: D' <= ends_on.
-- ldtt .. cstd_toan_quoc: the earliest decided_on among the person's titles
-- of at least that level ("at least LDTT" includes a CSTDCS). A title is
-- held at the decision cut-off X iff that date is <= X (the earliest of a
-- set is <= X iff one of the set is), whatever closes_on becomes later.
-- No foreign keys: the triggers below add and remove rows with the staff
-- and campaigns, and a checked reference per row would make bulk loads slow.
CREATE TABLE scorecard_staff (
    campaign_id    bigint NOT NULL,
    staff_id       bigint NOT NULL,
    unit_id        bigint NOT NULL,
    joined_on      date NOT NULL,
    left_on        date,
    study          date[],
    ldtt           date,
    cstdcs         date,
    cstd_tinh      date,
    cstd_toan_quoc date,
    PRIMARY KEY (campaign_id, staff_id)
);
CREATE INDEX scorecard_staff_staff_idx ON scorecard_staff (staff_id);

-- The study column of every campaign for the people given.
CREATE FUNCTION scorecard_study_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    WITH x AS (SELECT DISTINCT unnest(ids) AS staff_id),
    firsts AS (
        SELECT ss.campaign_id, a.staff_id, ss.topic_id, min(ss.held_on) AS first_on
          FROM x
          JOIN attendance a ON a.staff_id = x.staff_id
          JOIN study_sessions ss ON ss.id = a.session_id
          JOIN study_topics t ON t.id = ss.topic_id AND t.campaign_id = ss.campaign_id AND t.required
         GROUP BY 1, 2, 3),
    calc AS (
        SELECT campaign_id, staff_id, array_agg(first_on ORDER BY first_on) AS study
          FROM firsts GROUP BY 1, 2)
    UPDATE scorecard_staff s SET study = c.study
      FROM (SELECT x.staff_id, s2.campaign_id, calc.study
              FROM x JOIN scorecard_staff s2 ON s2.staff_id = x.staff_id
              LEFT JOIN calc ON calc.campaign_id = s2.campaign_id AND calc.staff_id = x.staff_id) c
     WHERE s.campaign_id = c.campaign_id AND s.staff_id = c.staff_id AND s.study IS DISTINCT FROM c.study;
$$;

-- The title columns for the (campaign, staff) pairs given.
CREATE FUNCTION scorecard_titles_refresh(campaigns bigint[], people bigint[]) RETURNS void LANGUAGE sql AS $$
    WITH p AS (SELECT DISTINCT c AS campaign_id, s AS staff_id
                 FROM unnest(campaigns, people) AS u(c, s) WHERE s IS NOT NULL),
    calc AS (
        SELECT p.campaign_id, p.staff_id,
               min(t.decided_on) AS ldtt,
               min(t.decided_on) FILTER (WHERE t.title IN ('CSTDCS', 'CSTD_TINH', 'CSTD_TOAN_QUOC')) AS cstdcs,
               min(t.decided_on) FILTER (WHERE t.title IN ('CSTD_TINH', 'CSTD_TOAN_QUOC')) AS cstd_tinh,
               min(t.decided_on) FILTER (WHERE t.title = 'CSTD_TOAN_QUOC') AS cstd_toan_quoc
          FROM p
          LEFT JOIN titles t ON t.campaign_id = p.campaign_id AND t.staff_id = p.staff_id
         GROUP BY 1, 2)
    UPDATE scorecard_staff s
       SET ldtt = c.ldtt, cstdcs = c.cstdcs, cstd_tinh = c.cstd_tinh, cstd_toan_quoc = c.cstd_toan_quoc
      FROM calc c
     WHERE s.campaign_id = c.campaign_id AND s.staff_id = c.staff_id
       AND (s.ldtt, s.cstdcs, s.cstd_tinh, s.cstd_toan_quoc) IS DISTINCT FROM
           (c.ldtt, c.cstdcs, c.cstd_tinh, c.cstd_toan_quoc);
$$;

-- The whole summary of one campaign (NULL: of every campaign) from the
-- facts: for a new campaign, a campaign moved to another agency, bulk
-- loads made with the triggers off, and checking.
CREATE FUNCTION scorecard_staff_rebuild(campaign bigint) RETURNS void LANGUAGE sql AS $$
    DELETE FROM scorecard_staff WHERE campaign IS NULL OR campaign_id = campaign;
    WITH firsts AS (
        SELECT ss.campaign_id, a.staff_id, ss.topic_id, min(ss.held_on) AS first_on
          FROM attendance a
          JOIN study_sessions ss ON ss.id = a.session_id
          JOIN study_topics t ON t.id = ss.topic_id AND t.campaign_id = ss.campaign_id AND t.required
         WHERE campaign IS NULL OR ss.campaign_id = campaign
         GROUP BY 1, 2, 3),
    study AS (
        SELECT campaign_id, staff_id, array_agg(first_on ORDER BY first_on) AS study
          FROM firsts GROUP BY 1, 2),
    tt AS (
        SELECT campaign_id, staff_id, min(decided_on) AS ldtt,
               min(decided_on) FILTER (WHERE title IN ('CSTDCS', 'CSTD_TINH', 'CSTD_TOAN_QUOC')) AS cstdcs,
               min(decided_on) FILTER (WHERE title IN ('CSTD_TINH', 'CSTD_TOAN_QUOC')) AS cstd_tinh,
               min(decided_on) FILTER (WHERE title = 'CSTD_TOAN_QUOC') AS cstd_toan_quoc
          FROM titles
         WHERE staff_id IS NOT NULL AND (campaign IS NULL OR campaign_id = campaign)
         GROUP BY campaign_id, staff_id)
    INSERT INTO scorecard_staff
    SELECT c.id, s.id, s.unit_id, s.joined_on, s.left_on, st.study, tt.ldtt, tt.cstdcs, tt.cstd_tinh, tt.cstd_toan_quoc
      FROM campaigns c
      JOIN staff s ON s.agency_id = c.agency_id
      LEFT JOIN study st ON st.campaign_id = c.id AND st.staff_id = s.id
      LEFT JOIN tt ON tt.campaign_id = c.id AND tt.staff_id = s.id
     WHERE campaign IS NULL OR c.id = campaign;
$$;

CREATE FUNCTION scorecard_staff_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE campaigns SET data_version = data_version + 1
         WHERE agency_id IN (SELECT agency_id FROM new_rows);
        -- Someone new has no attendance and no title yet.
        INSERT INTO scorecard_staff (campaign_id, staff_id, unit_id, joined_on, left_on)
        SELECT c.id, n.id, n.unit_id, n.joined_on, n.left_on
          FROM new_rows n JOIN campaigns c ON c.agency_id = n.agency_id;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE campaigns SET data_version = data_version + 1
         WHERE agency_id IN (SELECT agency_id FROM new_rows UNION SELECT agency_id FROM old_rows);
        UPDATE scorecard_staff s SET unit_id = n.unit_id, joined_on = n.joined_on, left_on = n.left_on
          FROM new_rows n
         WHERE s.staff_id = n.id
           AND (s.unit_id, s.joined_on, s.left_on) IS DISTINCT FROM (n.unit_id, n.joined_on, n.left_on);
    ELSE
        UPDATE campaigns SET data_version = data_version + 1
         WHERE agency_id IN (SELECT agency_id FROM old_rows);
        DELETE FROM scorecard_staff WHERE staff_id IN (SELECT id FROM old_rows);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION scorecard_campaigns_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO scorecard_staff (campaign_id, staff_id, unit_id, joined_on, left_on)
        SELECT n.id, s.id, s.unit_id, s.joined_on, s.left_on
          FROM new_rows n JOIN staff s ON s.agency_id = n.agency_id;
    ELSE
        DELETE FROM scorecard_staff WHERE campaign_id IN (SELECT id FROM old_rows);
        DELETE FROM scorecard_cache WHERE campaign_id IN (SELECT id FROM old_rows);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION scorecard_campaign_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM scorecard_staff_rebuild(NEW.id);
    RETURN NULL;
END $$;

CREATE FUNCTION scorecard_attendance_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT staff_id) INTO ids FROM new_rows;
        UPDATE campaigns SET data_version = data_version + 1
         WHERE id IN (SELECT ss.campaign_id FROM study_sessions ss
                       WHERE ss.id IN (SELECT session_id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(DISTINCT staff_id) INTO ids
          FROM (SELECT staff_id FROM new_rows UNION SELECT staff_id FROM old_rows) c;
        UPDATE campaigns SET data_version = data_version + 1
         WHERE id IN (SELECT ss.campaign_id FROM study_sessions ss
                       WHERE ss.id IN (SELECT session_id FROM new_rows UNION SELECT session_id FROM old_rows));
    ELSE
        -- A session or person deleted with its attendance bumps through its
        -- own trigger; sessions still there are found here.
        SELECT array_agg(DISTINCT staff_id) INTO ids FROM old_rows;
        UPDATE campaigns SET data_version = data_version + 1
         WHERE id IN (SELECT ss.campaign_id FROM study_sessions ss
                       WHERE ss.id IN (SELECT session_id FROM old_rows));
    END IF;
    IF ids IS NOT NULL THEN
        PERFORM scorecard_study_refresh(ids);
    END IF;
    RETURN NULL;
END $$;

-- A session moved to another date or topic, or a topic made (not)
-- required: the attendees' first dates change.
CREATE FUNCTION scorecard_sessions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    UPDATE campaigns SET data_version = data_version + 1
     WHERE id IN (SELECT campaign_id FROM new_rows UNION SELECT campaign_id FROM old_rows);
    SELECT array_agg(DISTINCT a.staff_id) INTO ids
      FROM attendance a
     WHERE a.session_id IN (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                             WHERE (n.held_on, n.topic_id, n.campaign_id) IS DISTINCT FROM
                                   (o.held_on, o.topic_id, o.campaign_id));
    IF ids IS NOT NULL THEN
        PERFORM scorecard_study_refresh(ids);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION scorecard_topics_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    UPDATE campaigns SET data_version = data_version + 1
     WHERE id IN (SELECT campaign_id FROM new_rows UNION SELECT campaign_id FROM old_rows);
    SELECT array_agg(DISTINCT a.staff_id) INTO ids
      FROM attendance a JOIN study_sessions ss ON ss.id = a.session_id
     WHERE ss.topic_id IN (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                            WHERE (n.required, n.campaign_id) IS DISTINCT FROM (o.required, o.campaign_id));
    IF ids IS NOT NULL THEN
        PERFORM scorecard_study_refresh(ids);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION scorecard_titles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cs bigint[];
    ss bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(campaign_id), array_agg(staff_id) INTO cs, ss FROM new_rows WHERE staff_id IS NOT NULL;
        UPDATE campaigns SET data_version = data_version + 1 WHERE id IN (SELECT campaign_id FROM new_rows);
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(campaign_id), array_agg(staff_id) INTO cs, ss
          FROM (SELECT campaign_id, staff_id FROM new_rows UNION SELECT campaign_id, staff_id FROM old_rows) c
         WHERE staff_id IS NOT NULL;
        UPDATE campaigns SET data_version = data_version + 1
         WHERE id IN (SELECT campaign_id FROM new_rows UNION SELECT campaign_id FROM old_rows);
    ELSE
        SELECT array_agg(campaign_id), array_agg(staff_id) INTO cs, ss FROM old_rows WHERE staff_id IS NOT NULL;
        UPDATE campaigns SET data_version = data_version + 1 WHERE id IN (SELECT campaign_id FROM old_rows);
    END IF;
    IF cs IS NOT NULL THEN
        PERFORM scorecard_titles_refresh(cs, ss);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION scorecard_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM scorecard_staff_rebuild(NULL);
    TRUNCATE scorecard_cache;
    UPDATE campaigns SET data_version = data_version + 1;
    RETURN NULL;
END $$;

-- ---------------------------------------------------------------- the triggers
-- One trigger per event (a trigger with transition tables takes one event).
DO $$
DECLARE
    t record;
    ev text;
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('targets', 'scorecard_bump_by_campaign'), ('study_topics', 'scorecard_bump_by_campaign'),
        ('study_sessions', 'scorecard_bump_by_campaign'), ('tasks', 'scorecard_bump_by_campaign'),
        ('ratings', 'scorecard_bump_by_campaign'), ('certifications', 'scorecard_bump_by_campaign'),
        ('titles', 'scorecard_titles_changed'), ('attendance', 'scorecard_attendance_changed'),
        ('units', 'scorecard_bump_by_agency'), ('staff', 'scorecard_staff_changed'),
        ('index_ranks', 'scorecard_bump_by_agency')) AS v(tbl, fn)
    LOOP
        FOREACH ev IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
            CONTINUE WHEN ev = 'update' AND t.tbl IN ('study_topics', 'study_sessions');
            EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I REFERENCING %s FOR EACH STATEMENT EXECUTE FUNCTION %I()',
                           t.tbl || '_scorecard_' || ev, upper(ev), t.tbl,
                           CASE ev WHEN 'insert' THEN 'NEW TABLE AS new_rows'
                                   WHEN 'update' THEN 'NEW TABLE AS new_rows OLD TABLE AS old_rows'
                                   ELSE 'OLD TABLE AS old_rows' END,
                           t.fn);
        END LOOP;
        EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION scorecard_truncated()',
                       t.tbl || '_scorecard_truncate', t.tbl);
    END LOOP;
END $$;

CREATE TRIGGER study_sessions_scorecard_update AFTER UPDATE ON study_sessions
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scorecard_sessions_changed();
CREATE TRIGGER study_topics_scorecard_update AFTER UPDATE ON study_topics
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scorecard_topics_changed();
-- Campaign rows: their own version changes with the row (above); here the
-- summary follows a new campaign, one moved to another agency (not on every
-- version bump: only when agency_id is set), and one deleted.
CREATE TRIGGER campaigns_scorecard_insert AFTER INSERT ON campaigns
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scorecard_campaigns_changed();
CREATE TRIGGER campaigns_scorecard_moved AFTER UPDATE OF agency_id ON campaigns
    FOR EACH ROW WHEN (OLD.agency_id IS DISTINCT FROM NEW.agency_id)
    EXECUTE FUNCTION scorecard_campaign_moved();
CREATE TRIGGER campaigns_scorecard_delete AFTER DELETE ON campaigns
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scorecard_campaigns_changed();
CREATE TRIGGER campaigns_scorecard_truncate AFTER TRUNCATE ON campaigns
    FOR EACH STATEMENT EXECUTE FUNCTION scorecard_truncated();

-- ---------------------------------------------------------------- cache
-- Answers as computed, keyed by what they were computed from. UNLOGGED:
-- nothing here is a fact (a crash empties it, the next read refills it),
-- and bodies of a million-staff campaign should not go through the WAL.
CREATE UNLOGGED TABLE scorecard_cache (
    campaign_id bigint NOT NULL,
    kind        text NOT NULL,
    as_of       date NOT NULL,
    version     bigint NOT NULL,
    body        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (campaign_id, kind, as_of, version)
);

-- ---------------------------------------------------------------- indexes for the reads
-- "Has any individual title been decided yet" without reading them all.
CREATE INDEX titles_staff_decided_idx ON titles (campaign_id, decided_on) WHERE staff_id IS NOT NULL;
CREATE INDEX titles_unit_decided_idx ON titles (campaign_id, unit_id, decided_on) WHERE unit_id IS NOT NULL;
CREATE INDEX units_agency_kind_idx ON units (agency_id, kind);

-- Whatever was there before this migration.
SELECT scorecard_staff_rebuild(NULL);
