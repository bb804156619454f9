-- Demo data, last part: checks that the demo loaded as designed. A failed
-- check aborts the load (psql ON_ERROR_STOP) with a message saying what.
-- The expected scorecard itself is in tests/demo/expected.sql.

DO $$
DECLARE
    agency bigint;
    n bigint;
BEGIN
    SELECT id INTO agency FROM units WHERE code = 'SNV' AND kind = 'agency';

    -- Every Vietnamese text is in Unicode NFC.
    SELECT count(*) INTO n FROM (
        SELECT name AS t FROM units WHERE agency_id = agency
        UNION ALL SELECT full_name FROM staff WHERE agency_id = agency
        UNION ALL SELECT name FROM campaigns WHERE agency_id = agency
        UNION ALL SELECT theme FROM campaigns WHERE agency_id = agency
        UNION ALL SELECT t.name FROM targets t JOIN campaigns c ON c.id = t.campaign_id WHERE c.agency_id = agency
        UNION ALL SELECT t.title FROM study_topics t JOIN campaigns c ON c.id = t.campaign_id WHERE c.agency_id = agency
        UNION ALL SELECT s.title FROM study_sessions s JOIN campaigns c ON c.id = s.campaign_id WHERE c.agency_id = agency
        UNION ALL SELECT t.title FROM tasks t JOIN campaigns c ON c.id = t.campaign_id WHERE c.agency_id = agency
        UNION ALL SELECT e.title || e.achievements FROM exemplars e JOIN campaigns c ON c.id = e.campaign_id
                  WHERE c.agency_id = agency) x
    WHERE t IS NOT NULL AND t <> normalize(t, NFC);
    IF n > 0 THEN
        RAISE EXCEPTION 'demo: % texts are not in NFC', n;
    END IF;

    SELECT count(*) INTO n FROM (
        SELECT title AS t FROM initiatives WHERE agency_id = agency
        UNION ALL SELECT reason FROM holds WHERE agency_id = agency
        UNION ALL SELECT name FROM holidays) x
    WHERE t <> normalize(t, NFC);
    IF n > 0 THEN
        RAISE EXCEPTION 'demo: % texts of initiatives, holds or holidays are not in NFC', n;
    END IF;
    -- The calendar of 2025 and 2026 (08_awards_facts.sql): Tết of each
    -- year on five weekdays, every holiday of the demo on a weekday and
    -- every make-up working day on a Saturday.
    SELECT count(*) INTO n FROM holidays
    WHERE kind = 'holiday' AND name LIKE 'Tết Nguyên đán%' AND extract(isodow FROM date) < 6
      AND date BETWEEN DATE '2025-01-01' AND DATE '2026-12-31';
    IF n <> 10 THEN
        RAISE EXCEPTION 'demo: % weekdays of Tết Nguyên đán in 2025 and 2026, expected 10', n;
    END IF;
    SELECT count(*) INTO n FROM holidays
    WHERE date BETWEEN DATE '2025-01-01' AND DATE '2026-12-31'
      AND ((kind = 'holiday' AND extract(isodow FROM date) >= 6) OR (kind = 'working_day' AND extract(isodow FROM date) <> 6));
    IF n > 0 THEN
        RAISE EXCEPTION 'demo: % holidays of 2025–2026 on a weekend or make-up days not on a Saturday', n;
    END IF;
    SELECT count(*) INTO n FROM holidays
    WHERE (date, kind) IN (('2025-04-26', 'working_day'), ('2025-05-02', 'holiday'),
                           ('2026-01-02', 'holiday'), ('2026-01-10', 'working_day'), ('2026-04-27', 'holiday'));
    IF n <> 5 THEN
        RAISE EXCEPTION 'demo: % of the five swapped or moved days of 2025–2026, expected 5', n;
    END IF;

    SELECT count(*) INTO n FROM initiative_authors ia JOIN initiatives i ON i.id = ia.initiative_id
    WHERE i.agency_id = agency;
    IF n <> 4 THEN
        RAISE EXCEPTION 'demo: % initiative authors, expected 4', n;
    END IF;
    SELECT count(*) INTO n FROM staff WHERE agency_id = agency AND leader_level <> 'none';
    IF n < 10 THEN
        RAISE EXCEPTION 'demo: only % staff with a leader level', n;
    END IF;

    SELECT count(*) INTO n FROM staff WHERE agency_id = agency;
    IF n <> 200 THEN
        RAISE EXCEPTION 'demo: % staff, expected 200', n;
    END IF;

    SELECT count(*) INTO n FROM (
        SELECT full_name FROM staff WHERE agency_id = agency GROUP BY full_name HAVING count(*) > 1) d;
    IF n > 0 THEN
        RAISE EXCEPTION 'demo: % staff names occur more than once', n;
    END IF;

    SELECT count(*) INTO n FROM targets t JOIN campaigns c ON c.id = t.campaign_id
    WHERE c.agency_id = agency AND c.code = 'TD2025';
    IF n <> 12 THEN
        RAISE EXCEPTION 'demo: % targets, expected 12', n;
    END IF;

    SELECT count(*) INTO n FROM exemplars e JOIN campaigns c ON c.id = e.campaign_id WHERE c.agency_id = agency;
    IF n <> 2 THEN
        RAISE EXCEPTION 'demo: % exemplars, expected 2', n;
    END IF;
END $$;
