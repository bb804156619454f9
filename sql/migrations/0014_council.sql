-- 0014_council.sql — the second half of awards.md: registrations, council
-- sessions and their secret ballot, decisions, proposals upward and their
-- outcome, public notice and the comments it brings.
--
-- The secret ballot. A secret vote is never stored as a row of its own: a
-- ballot adds one to a counter per agenda item (council_secret_tallies),
-- so there is no row that a user id, a timestamp, a sequence or an
-- insertion order could tie to a voter. The application's role cannot
-- read or write that table at all: it casts a ballot only through
-- council_cast_ballot() (which records the turnout row, the open votes by
-- name and the secret counters in one go, so counters can only move with a
-- turnout row), and reads counters only through council_tally(), which
-- answers nothing while the session is not closed. So no reader, the
-- application included, sees counters move while members vote. The
-- turnout (who cast a ballot) is public and is the only trace a ballot
-- leaves besides the counters: one audit row "cast_ballot" naming the
-- member and the session, no votes.

-- ---------------------------------------------------------------- registrations
-- Đăng ký thi đua. A campaign's registrations close on
-- registration_closes_on (default: starts_on + 60 days, set by trigger so
-- that every writer of campaigns gets it).
ALTER TABLE campaigns ADD COLUMN registration_closes_on date;
UPDATE campaigns SET registration_closes_on = starts_on + 60;
ALTER TABLE campaigns ALTER COLUMN registration_closes_on SET NOT NULL,
    ADD CONSTRAINT campaigns_registration_after_start CHECK (registration_closes_on >= starts_on);

CREATE FUNCTION campaigns_registration_default() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.registration_closes_on := coalesce(NEW.registration_closes_on, NEW.starts_on + 60);
    RETURN NEW;
END $$;
CREATE TRIGGER campaigns_registration_default BEFORE INSERT ON campaigns
    FOR EACH ROW EXECUTE FUNCTION campaigns_registration_default();

CREATE TABLE registrations (
    id            bigserial PRIMARY KEY,
    campaign_id   bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    subject_type  text NOT NULL CHECK (subject_type IN ('staff', 'unit')),
    staff_id      bigint REFERENCES staff (id),
    unit_id       bigint REFERENCES units (id),
    award         text NOT NULL CHECK (award ~ '^[A-Za-z0-9_]{1,60}$'),
    registered_on date NOT NULL,
    created_by    bigint REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT registrations_one_subject CHECK ((subject_type = 'staff') = (staff_id IS NOT NULL)
                                                AND (subject_type = 'unit') = (unit_id IS NOT NULL))
);
CREATE UNIQUE INDEX registrations_staff_key ON registrations (campaign_id, staff_id, award) WHERE staff_id IS NOT NULL;
CREATE UNIQUE INDEX registrations_unit_key ON registrations (campaign_id, unit_id, award) WHERE unit_id IS NOT NULL;
CREATE TRIGGER registrations_audit AFTER INSERT OR UPDATE OR DELETE ON registrations
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- ---------------------------------------------------------------- council sessions
-- The table of 0001 stored each vote with its voter and its time: no route
-- ever wrote it. A secret ballot must not be stored that way.
DROP TABLE council_votes;

-- state: planned → open → closed. The agenda, the members and held_on
-- change only while planned.
CREATE TABLE council_sessions (
    id          bigserial PRIMARY KEY,
    campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    held_on     date NOT NULL,
    state       text NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'open', 'closed')),
    created_by  bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    opened_at   timestamptz,
    closed_at   timestamptz,
    CONSTRAINT council_sessions_times CHECK ((state = 'planned') = (opened_at IS NULL)
                                             AND (state = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX council_sessions_campaign_idx ON council_sessions (campaign_id, held_on, id);

-- The members of a session (role council or director at the time they are
-- named) and, once it opens, who is present (null while planned).
CREATE TABLE council_members (
    id         bigserial PRIMARY KEY,
    session_id bigint NOT NULL REFERENCES council_sessions (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users (id),
    present    boolean,
    CONSTRAINT council_members_key UNIQUE (session_id, user_id)
);
CREATE INDEX council_members_user_idx ON council_members (user_id);

-- The agenda: a nomination is judged by one session (putting it on the
-- agenda makes it in_session; taking it off while planned makes it
-- proposed again and deletes the row).
CREATE TABLE council_agenda (
    id            bigserial PRIMARY KEY,
    session_id    bigint NOT NULL REFERENCES council_sessions (id) ON DELETE CASCADE,
    nomination_id bigint NOT NULL REFERENCES nominations (id),
    position      int NOT NULL CHECK (position >= 1),
    CONSTRAINT council_agenda_nomination_key UNIQUE (nomination_id),
    CONSTRAINT council_agenda_position_key UNIQUE (session_id, position)
);

-- Turnout: who cast a ballot. Unique per session and member, so that of
-- two ballots of one member at once exactly one counts. No id, no time:
-- its rows say who voted, nothing of when or in which order. Written only
-- by council_cast_ballot().
CREATE TABLE council_turnout (
    session_id bigint NOT NULL REFERENCES council_sessions (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users (id),
    CONSTRAINT council_turnout_key PRIMARY KEY (session_id, user_id)
);

-- Open votes, by name (an open vote is public in the minutes).
CREATE TABLE council_open_votes (
    id            bigserial PRIMARY KEY,
    session_id    bigint NOT NULL REFERENCES council_sessions (id) ON DELETE CASCADE,
    nomination_id bigint NOT NULL REFERENCES nominations (id),
    user_id       bigint NOT NULL REFERENCES users (id),
    vote          text NOT NULL CHECK (vote IN ('for', 'against', 'abstain')),
    CONSTRAINT council_open_votes_key UNIQUE (session_id, nomination_id, user_id)
);

-- Secret votes: counters only (see the head of this file).
CREATE TABLE council_secret_tallies (
    session_id    bigint NOT NULL REFERENCES council_sessions (id) ON DELETE CASCADE,
    nomination_id bigint NOT NULL REFERENCES nominations (id),
    votes_for     int NOT NULL DEFAULT 0 CHECK (votes_for >= 0),
    votes_against int NOT NULL DEFAULT 0 CHECK (votes_against >= 0),
    votes_abstain int NOT NULL DEFAULT 0 CHECK (votes_abstain >= 0),
    CONSTRAINT council_secret_tallies_key PRIMARY KEY (session_id, nomination_id)
);

-- The result of each agenda item, written when the session closes.
CREATE TABLE council_results (
    id            bigserial PRIMARY KEY,
    session_id    bigint NOT NULL REFERENCES council_sessions (id) ON DELETE CASCADE,
    nomination_id bigint NOT NULL REFERENCES nominations (id),
    vote_kind     text NOT NULL CHECK (vote_kind IN ('open', 'secret')),
    votes_for     int NOT NULL CHECK (votes_for >= 0),
    votes_against int NOT NULL CHECK (votes_against >= 0),
    votes_abstain int NOT NULL CHECK (votes_abstain >= 0),
    not_voted     int NOT NULL CHECK (not_voted >= 0),
    threshold     jsonb NOT NULL,
    passed        boolean NOT NULL,
    CONSTRAINT council_results_key UNIQUE (session_id, nomination_id)
);

CREATE TRIGGER council_sessions_audit AFTER INSERT OR UPDATE OR DELETE ON council_sessions
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER council_members_audit AFTER INSERT OR UPDATE OR DELETE ON council_members
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER council_agenda_audit AFTER INSERT OR UPDATE OR DELETE ON council_agenda
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER council_open_votes_audit AFTER INSERT OR UPDATE OR DELETE ON council_open_votes
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER council_results_audit AFTER INSERT OR UPDATE OR DELETE ON council_results
    FOR EACH ROW EXECUTE FUNCTION audit_row();
-- council_turnout and council_secret_tallies have no row audit: the
-- ballot's one audit row is written by council_cast_ballot().

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
    CHECK (action IN ('insert', 'update', 'delete', 'login', 'login_failed', 'logout', 'lockout', 'unlock',
                      'cast_ballot'));

REVOKE ALL ON council_turnout, council_secret_tallies, council_open_votes FROM thidua_app;
GRANT SELECT ON council_turnout, council_open_votes TO thidua_app;

-- A member's one ballot for the whole agenda of an open session:
-- votes is [{"nomination_id": n, "vote": "for"|"against"|"abstain"}],
-- one for each agenda item. Raises (SQLSTATE P0001, the message a code):
--   council_not_open         the session is not open
--   council_not_present      p_user is not a member present at the opening
--   council_ballot_mismatch  the votes are not exactly one per agenda item
-- and a unique violation on council_turnout_key for a second ballot. The
-- caller (api/council.c) checks each of these first to answer in words;
-- this function is what makes them hold whoever calls it. The session row
-- is locked FOR SHARE: a close (FOR UPDATE) waits for ballots in flight,
-- and a ballot after the close sees it closed.
CREATE FUNCTION council_cast_ballot(p_session bigint, p_user bigint, p_votes jsonb) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    PERFORM 1 FROM public.council_sessions WHERE id = p_session AND state = 'open' FOR SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'council_not_open';
    END IF;
    PERFORM 1 FROM public.council_members WHERE session_id = p_session AND user_id = p_user AND present;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'council_not_present';
    END IF;
    IF jsonb_typeof(p_votes) IS DISTINCT FROM 'array'
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(p_votes) v
                   WHERE jsonb_typeof(v) <> 'object' OR jsonb_typeof(v -> 'nomination_id') <> 'number'
                      OR (v ->> 'vote') IS NULL OR (v ->> 'vote') NOT IN ('for', 'against', 'abstain'))
       OR (SELECT count(*) FROM jsonb_array_elements(p_votes))
          <> (SELECT count(*) FROM public.council_agenda WHERE session_id = p_session)
       OR (SELECT count(DISTINCT a.nomination_id) FROM public.council_agenda a
             JOIN jsonb_array_elements(p_votes) v ON (v ->> 'nomination_id')::numeric = a.nomination_id
            WHERE a.session_id = p_session)
          <> (SELECT count(*) FROM public.council_agenda WHERE session_id = p_session) THEN
        RAISE EXCEPTION 'council_ballot_mismatch';
    END IF;

    INSERT INTO public.council_turnout (session_id, user_id) VALUES (p_session, p_user);

    WITH v AS (
        SELECT (e ->> 'nomination_id')::bigint AS nomination_id, e ->> 'vote' AS vote,
               coalesce(r.rules -> 'awards' -> n.award -> 'council' ->> 'vote', 'open') AS kind
          FROM jsonb_array_elements(p_votes) e
          JOIN public.nominations n ON n.id = (e ->> 'nomination_id')::bigint
          LEFT JOIN public.campaign_award_rules r ON r.campaign_id = n.campaign_id
    ), open_votes AS (
        INSERT INTO public.council_open_votes (session_id, nomination_id, user_id, vote)
        SELECT p_session, v.nomination_id, p_user, v.vote FROM v WHERE v.kind <> 'secret'
    )
    INSERT INTO public.council_secret_tallies AS t (session_id, nomination_id, votes_for, votes_against, votes_abstain)
    SELECT p_session, v.nomination_id, (v.vote = 'for')::int, (v.vote = 'against')::int, (v.vote = 'abstain')::int
      FROM v WHERE v.kind = 'secret'
    ON CONFLICT ON CONSTRAINT council_secret_tallies_key DO UPDATE
       SET votes_for = t.votes_for + excluded.votes_for,
           votes_against = t.votes_against + excluded.votes_against,
           votes_abstain = t.votes_abstain + excluded.votes_abstain;

    INSERT INTO public.audit_log (user_id, action, entity, entity_id, before, after)
    VALUES (p_user, 'cast_ballot', 'council_sessions', p_session, NULL, NULL);
END $$;
REVOKE EXECUTE ON FUNCTION council_cast_ballot(bigint, bigint, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION council_cast_ballot(bigint, bigint, jsonb) TO thidua_app;

-- The secret counters of a closed session (nothing while it is not
-- closed): one row per agenda item voted by secret ballot that received at
-- least one ballot.
CREATE FUNCTION council_tally(p_session bigint)
    RETURNS TABLE (nomination_id bigint, votes_for int, votes_against int, votes_abstain int)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT t.nomination_id, t.votes_for, t.votes_against, t.votes_abstain
      FROM public.council_secret_tallies t JOIN public.council_sessions s ON s.id = t.session_id
     WHERE t.session_id = p_session AND s.state = 'closed'
$$;
REVOKE EXECUTE ON FUNCTION council_tally(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION council_tally(bigint) TO thidua_app;

-- ---------------------------------------------------------------- decisions
-- A director's decision (quyết định khen thưởng) over nominations of one
-- campaign. A title the agency grants gets its title row (titles.
-- nomination_id says it came this way); GIAY_KHEN has none; an award
-- proposed upward becomes proposed_upward with this decision as the
-- proposal (tờ trình).
CREATE TABLE award_decisions (
    id          bigserial PRIMARY KEY,
    campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    decision_no text NOT NULL CHECK (length(btrim(decision_no)) BETWEEN 1 AND 100),
    decided_on  date NOT NULL,
    decided_by  bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT award_decisions_no_key UNIQUE (campaign_id, decision_no)
);
CREATE TRIGGER award_decisions_audit AFTER INSERT OR UPDATE OR DELETE ON award_decisions
    FOR EACH ROW EXECUTE FUNCTION audit_row();

ALTER TABLE nominations ADD COLUMN decision_id bigint REFERENCES award_decisions (id);
CREATE INDEX nominations_decision_idx ON nominations (decision_id) WHERE decision_id IS NOT NULL;
ALTER TABLE titles ADD COLUMN nomination_id bigint REFERENCES nominations (id)
    CONSTRAINT titles_nomination_key UNIQUE;

-- The higher level's decision on an award proposed upward.
CREATE TABLE award_outcomes (
    id            bigserial PRIMARY KEY,
    nomination_id bigint NOT NULL REFERENCES nominations (id) CONSTRAINT award_outcomes_nomination_key UNIQUE,
    granted       boolean NOT NULL,
    decision_no   text NOT NULL CHECK (length(btrim(decision_no)) BETWEEN 1 AND 100),
    decided_on    date NOT NULL,
    recorded_by   bigint REFERENCES users (id),
    recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER award_outcomes_audit AFTER INSERT OR UPDATE OR DELETE ON award_outcomes
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- ---------------------------------------------------------------- public notice
-- Comments from the public on a nomination under public notice, entered by
-- the office; each must be answered before the decision.
CREATE TABLE nomination_comments (
    id            bigserial PRIMARY KEY,
    nomination_id bigint NOT NULL REFERENCES nominations (id) ON DELETE CASCADE,
    author        text CHECK (author IS NULL OR length(author) <= 200),
    body          text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 4000),
    received_on   date NOT NULL,
    answer        text CHECK (answer IS NULL OR length(btrim(answer)) BETWEEN 1 AND 4000),
    answered_on   date,
    created_by    bigint REFERENCES users (id),
    answered_by   bigint REFERENCES users (id),
    CONSTRAINT nomination_comments_answered CHECK ((answer IS NULL) = (answered_on IS NULL))
);
CREATE INDEX nomination_comments_nomination_idx ON nomination_comments (nomination_id, id);
CREATE TRIGGER nomination_comments_audit AFTER INSERT OR UPDATE OR DELETE ON nomination_comments
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- The outbox gains a fourth kind: a nomination's public notice.
ALTER TABLE publications ADD COLUMN nomination_id bigint REFERENCES nominations (id);
ALTER TABLE publications DROP CONSTRAINT publications_kind_check;
ALTER TABLE publications ADD CONSTRAINT publications_kind_check
    CHECK (kind IN ('exemplar', 'scorecard', 'withdrawal', 'public_notice'));
ALTER TABLE publications DROP CONSTRAINT publications_kind_refs;
ALTER TABLE publications ADD CONSTRAINT publications_kind_refs CHECK (
    (kind = 'exemplar' AND exemplar_id IS NOT NULL AND withdraws_id IS NULL)
    OR (kind = 'scorecard' AND campaign_id IS NOT NULL AND withdraws_id IS NULL)
    OR (kind = 'withdrawal' AND withdraws_id IS NOT NULL)
    OR (kind = 'public_notice' AND nomination_id IS NOT NULL AND withdraws_id IS NULL));
CREATE UNIQUE INDEX publications_one_notice ON publications (nomination_id) WHERE kind = 'public_notice';

-- Is d a working day: Monday to Friday unless a holiday, or a make-up
-- working day (a Saturday or Sunday of kind working_day).
CREATE FUNCTION is_working_day(d date) RETURNS boolean LANGUAGE sql STABLE
    SET search_path = pg_catalog, public AS $$
    SELECT coalesce((SELECT h.kind = 'working_day' FROM public.holidays h WHERE h.date = d),
                    extract(isodow FROM d) < 6)
$$;

-- The n-th working day after d (d itself not counted; n = 0: d).
CREATE FUNCTION working_day_after(d date, n int) RETURNS date LANGUAGE sql STABLE
    SET search_path = pg_catalog, public AS $$
    SELECT CASE WHEN n <= 0 THEN d ELSE
        (SELECT x.day FROM (SELECT day::date, row_number() OVER (ORDER BY day) AS k
                              FROM generate_series(d + 1, d + 14 + n * 3, interval '1 day') day
                             WHERE public.is_working_day(day::date)) x
          WHERE x.k = n) END
$$;

-- A nomination's public notice (awards.md "Public notice"): the days its
-- award asks for (0: none), the publication, the day the portal
-- acknowledged it (in Asia/Ho_Chi_Minh) and the earliest held_on of a
-- session that may judge it (null until acknowledged).
CREATE FUNCTION nomination_notice(nom bigint)
    RETURNS TABLE (days int, publication_id bigint, acknowledged_on date, earliest_session_on date)
    LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
    SELECT x.days, p.id, x.ack, CASE WHEN x.ack IS NOT NULL THEN public.working_day_after(x.ack, x.days) END
      FROM public.nominations n
      LEFT JOIN public.campaign_award_rules r ON r.campaign_id = n.campaign_id
      LEFT JOIN public.publications p ON p.nomination_id = n.id AND p.kind = 'public_notice'
      CROSS JOIN LATERAL (SELECT coalesce((r.rules -> 'awards' -> n.award -> 'council' ->> 'public_notice_days')::int, 0) AS days,
                                 CASE WHEN p.state = 'sent' THEN (p.sent_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date END AS ack) x
     WHERE n.id = nom
$$;

-- ---------------------------------------------------------------- users
-- The name a person signs with: the council's minutes list members by it
-- (by username when it is not given).
ALTER TABLE users ADD COLUMN full_name text CHECK (full_name IS NULL OR length(btrim(full_name)) BETWEEN 1 AND 200);
