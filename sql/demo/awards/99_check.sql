-- The awards round, last part: checks that it loaded as designed. A failed
-- check aborts the round (psql ON_ERROR_STOP, one transaction) with a
-- message saying what.

DO $$
DECLARE
    agency bigint;
    td2025 bigint;
    session bigint;
    n bigint;
    t text;
BEGIN
    SELECT id INTO agency FROM units WHERE code = 'SNV' AND kind = 'agency';
    SELECT id INTO td2025 FROM campaigns WHERE agency_id = agency AND code = 'TD2025';

    -- Previous years: 2023 and 2024, their titles for the consecutive-years criteria.
    SELECT count(*) INTO n FROM campaigns WHERE agency_id = agency AND code IN ('TD2023', 'TD2024');
    IF n <> 2 THEN
        RAISE EXCEPTION 'demo: % campaigns of 2023 and 2024, expected 2', n;
    END IF;
    SELECT string_agg(x.code, ', ') INTO t FROM (VALUES ('SNV0002'), ('SNV0006')) AS x (code)
    WHERE (SELECT count(DISTINCT c.year) FROM titles ti JOIN campaigns c ON c.id = ti.campaign_id
           JOIN staff s ON s.id = ti.staff_id
           WHERE c.agency_id = agency AND s.code = x.code AND ti.title = 'CSTDCS' AND c.year IN (2023, 2024, 2025)) <> 3;
    IF t IS NOT NULL THEN
        RAISE EXCEPTION 'demo: % without CSTĐCS in each of 2023, 2024 and 2025', t;
    END IF;

    -- The council: one closed session of TD2025, five members of role
    -- council or director of the agency, four present, each of whom voted.
    SELECT count(*) INTO n FROM council_sessions WHERE campaign_id = td2025;
    IF n <> 1 THEN
        RAISE EXCEPTION 'demo: % council sessions of TD2025, expected 1', n;
    END IF;
    SELECT id INTO session FROM council_sessions WHERE campaign_id = td2025 AND state = 'closed'
        AND held_on BETWEEN DATE '2025-01-01' AND DATE '2026-06-30';
    IF session IS NULL THEN
        RAISE EXCEPTION 'demo: the council session of TD2025 is not closed within the campaign';
    END IF;
    SELECT count(*) INTO n FROM council_members m JOIN users u ON u.id = m.user_id
    WHERE m.session_id = session AND u.role IN ('council', 'director') AND u.agency_id = agency AND u.active
      AND u.full_name IS NOT NULL AND u.full_name = normalize(u.full_name, NFC);
    IF n <> 5 THEN
        RAISE EXCEPTION 'demo: % council members (active, council or director of SNV, named in NFC), expected 5', n;
    END IF;
    SELECT count(*) INTO n FROM council_members WHERE session_id = session AND present;
    IF n <> 4 OR n * 3 < 2 * 5 THEN
        RAISE EXCEPTION 'demo: % members present, expected 4 (the quorum of 2/3 of 5)', n;
    END IF;
    SELECT count(*) INTO n FROM council_turnout t JOIN council_members m ON m.session_id = t.session_id
        AND m.user_id = t.user_id AND m.present
    WHERE t.session_id = session;
    IF n <> 4 THEN
        RAISE EXCEPTION 'demo: % ballots of members present, expected 4', n;
    END IF;

    -- The results: one per agenda item, consistent with the ballots and
    -- with their threshold; six passed, the CSTĐCS of SNV0060 did not.
    SELECT count(*) INTO n FROM council_agenda a JOIN council_results r
        ON r.session_id = a.session_id AND r.nomination_id = a.nomination_id
    WHERE a.session_id = session;
    IF n <> 7 OR n <> (SELECT count(*) FROM council_results WHERE session_id = session) THEN
        RAISE EXCEPTION 'demo: % results for the 7 agenda items', n;
    END IF;
    SELECT count(*) INTO n FROM council_results r
    WHERE r.session_id = session AND (
        r.votes_for + r.votes_against + r.votes_abstain + r.not_voted <> 4
        OR NOT (r.threshold ?& ARRAY['op', 'num', 'den', 'base', 'base_count', 'needed'])
        OR r.passed <> ((r.votes_for) >= (r.threshold ->> 'needed')::int)
        OR (r.vote_kind = 'open' AND r.votes_for + r.votes_against + r.votes_abstain
            <> (SELECT count(*) FROM council_open_votes v WHERE v.session_id = session AND v.nomination_id = r.nomination_id))
        OR (r.vote_kind = 'secret' AND EXISTS (SELECT 1 FROM council_open_votes v
                                               WHERE v.session_id = session AND v.nomination_id = r.nomination_id)));
    IF n > 0 THEN
        RAISE EXCEPTION 'demo: % council results do not add up (votes, threshold, open votes by name)', n;
    END IF;
    SELECT string_agg(s.code || ' ' || nm.award || ' ' || nm.state, ', ' ORDER BY s.code) INTO t
    FROM council_results r JOIN nominations nm ON nm.id = r.nomination_id JOIN staff s ON s.id = nm.staff_id
    WHERE r.session_id = session AND NOT r.passed;
    IF t IS DISTINCT FROM 'SNV0060 CSTDCS not_recommended' THEN
        RAISE EXCEPTION 'demo: the results not passed are "%", expected the CSTĐCS of SNV0060, not_recommended', t;
    END IF;

    -- The nominations: five decided, one not recommended, one proposed
    -- upward (BK_TINH), one left proposed (the ineligible one).
    SELECT string_agg(x.state || ':' || x.k, ' ' ORDER BY x.state) INTO t
    FROM (SELECT state, count(*) AS k FROM nominations WHERE campaign_id = td2025 GROUP BY state) x;
    IF t IS DISTINCT FROM 'decided:5 not_recommended:1 proposed:1 proposed_upward:1' THEN
        RAISE EXCEPTION 'demo: nominations by state "%"', t;
    END IF;
    SELECT count(*) INTO n FROM nominations nm JOIN staff s ON s.id = nm.staff_id
    WHERE nm.campaign_id = td2025 AND nm.state = 'proposed_upward' AND nm.award = 'BK_TINH' AND s.code = 'SNV0006'
      AND nm.decision_id IS NOT NULL;
    IF n <> 1 THEN
        RAISE EXCEPTION 'demo: the BK_TINH of SNV0006 is not proposed upward by a decision';
    END IF;
    SELECT count(*) INTO n FROM nominations nm JOIN staff s ON s.id = nm.staff_id
    WHERE nm.campaign_id = td2025 AND nm.state = 'proposed' AND s.code = 'SNV0197'
      AND NOT EXISTS (SELECT 1 FROM council_agenda a WHERE a.nomination_id = nm.id);
    IF n <> 1 THEN
        RAISE EXCEPTION 'demo: the nomination of SNV0197 is not left proposed off the agenda';
    END IF;

    -- Decided nominations: each one's title row (of its decision's number
    -- and day) marked as come through it; no title added to TD2025.
    SELECT count(*) INTO n FROM nominations nm JOIN award_decisions d ON d.id = nm.decision_id
    JOIN titles ti ON ti.nomination_id = nm.id AND ti.staff_id = nm.staff_id AND ti.title = nm.award
                  AND ti.decision_no = d.decision_no AND ti.decided_on = d.decided_on
    WHERE nm.campaign_id = td2025 AND nm.state = 'decided';
    IF n <> 5 OR n <> (SELECT count(*) FROM titles WHERE nomination_id IS NOT NULL AND campaign_id = td2025) THEN
        RAISE EXCEPTION 'demo: % decided nominations with their title row, expected 5', n;
    END IF;
    SELECT string_agg(x.title || ':' || x.k, ' ' ORDER BY x.title) INTO t
    FROM (SELECT title, count(*) AS k FROM titles WHERE campaign_id = td2025 GROUP BY title) x;
    IF t IS DISTINCT FROM 'CSTDCS:23 CSTD_TINH:1 LDTT:154 TTLDTT:10 TTLDXS:1' THEN
        RAISE EXCEPTION 'demo: the titles of TD2025 moved: "%"', t;
    END IF;

    -- Registrations: before the campaign's closing day, in NFC texts.
    SELECT count(*) INTO n FROM registrations r JOIN campaigns c ON c.id = r.campaign_id
    WHERE c.id = td2025 AND r.registered_on <= c.registration_closes_on;
    IF n <> 9 THEN
        RAISE EXCEPTION 'demo: % registrations of TD2025 by its closing day, expected 9', n;
    END IF;
    SELECT count(*) INTO n FROM (
        SELECT reason AS x FROM nominations WHERE campaign_id = td2025
        UNION ALL SELECT name FROM campaigns WHERE agency_id = agency
        UNION ALL SELECT theme FROM campaigns WHERE agency_id = agency
        UNION ALL SELECT title FROM initiatives WHERE agency_id = agency) y
    WHERE x IS NOT NULL AND x <> normalize(x, NFC);
    IF n > 0 THEN
        RAISE EXCEPTION 'demo: % texts of the awards round are not in NFC', n;
    END IF;
END $$;
