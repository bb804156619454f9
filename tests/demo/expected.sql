-- The expected scorecard of the demo campaign (sql/demo/), computed straight
-- from the definitions of the specification of targets, independently of
-- the application's scorecard code. A check tool for humans, not part of
-- `make test`:
--
--   psql "$THIDUA_DATABASE_URL" -f tests/demo/expected.sql
--
-- (on the dev stack: the database_url line of var/dev/thidua.conf). It reads
-- only, and prints, for each date in "dates" below, every target of the
-- campaign TD2025 of the agency SNV with its numerator, denominator, value,
-- threshold and status, then a summary per date. Compare with
-- GET /api/v1/campaigns/{id}/scorecard?as_of=DATE.
--
-- The definitions used (targets.md):
--   D = as_of; D' = min(D, ends_on); final iff D >= closes_on.
--   Active staff at D': joined_on <= D' and (left_on null or left_on > D').
--   Member units: units under the agency's root at any depth, kind division
--     or affiliated, not dissolved at D' (dissolved_on null or > D').
--   Decisions (titles, ratings, certifications) count when decided_on <= D
--     (and never after closes_on); index ranks when published_on <= D (and
--     not after closes_on). Ratings and certifications: the latest decision
--     counts (latest decided_on, then the one recorded last).
--   Ratios compare exactly: "gt 98" iff numerator * 100 > 98 * denominator;
--     value = percentage rounded half-up to 2 decimals, for display.
--   Status: pending (no data yet), met, missed (final), at_risk (not final).

-- cmp(a, op, b): a op b for the comparators of targets.
CREATE OR REPLACE FUNCTION pg_temp.cmp(a numeric, op text, b numeric) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    RETURN CASE op WHEN 'gt' THEN a > b WHEN 'ge' THEN a >= b WHEN 'lt' THEN a < b
                   WHEN 'le' THEN a <= b WHEN 'eq' THEN a = b END;

CREATE TEMP TABLE expected ON COMMIT PRESERVE ROWS AS
WITH RECURSIVE
dates (as_of) AS (VALUES (DATE '2025-09-30'), (DATE '2026-01-31'), (DATE '2026-11-27')),
camp AS (
    SELECT c.*
    FROM campaigns c
    JOIN units a ON a.id = c.agency_id
    WHERE a.code = 'SNV' AND a.kind = 'agency' AND c.code = 'TD2025'),
cut AS (
    SELECT d.as_of, least(d.as_of, c.ends_on) AS dp, d.as_of >= c.closes_on AS final,
           c.id AS campaign_id, c.agency_id, c.year, c.closes_on
    FROM camp c, dates d),
-- Every unit under the agency's root, at any depth.
tree AS (
    SELECT u.id, u.code, u.kind, u.dissolved_on FROM units u JOIN camp c ON u.parent_id = c.agency_id
    UNION ALL
    SELECT u.id, u.code, u.kind, u.dissolved_on FROM units u JOIN tree t ON u.parent_id = t.id),
active AS (
    SELECT k.as_of, s.id
    FROM cut k
    JOIN staff s ON s.agency_id = k.agency_id
               AND s.joined_on <= k.dp AND (s.left_on IS NULL OR s.left_on > k.dp)),
members AS (
    SELECT k.as_of, t.id
    FROM cut k, tree t
    WHERE t.kind IN ('division', 'affiliated') AND (t.dissolved_on IS NULL OR t.dissolved_on > k.dp)),
title_order (title, ord) AS (VALUES
    ('LDTT', 1), ('CSTDCS', 2), ('CSTD_TINH', 3), ('CSTD_TOAN_QUOC', 4), ('TTLDTT', 1), ('TTLDXS', 2)),
level_order (level, ord) AS (VALUES ('KHTNV', 1), ('HTNV', 2), ('HTTNV', 3), ('HTXSNV', 4)),
titles_at AS (
    SELECT k.as_of, t.subject_type, t.staff_id, t.unit_id, o.ord
    FROM cut k
    JOIN titles t ON t.campaign_id = k.campaign_id AND t.decided_on <= k.as_of AND t.decided_on <= k.closes_on
    JOIN title_order o ON o.title = t.title),
best_staff AS (
    SELECT as_of, staff_id, max(ord) AS ord FROM titles_at WHERE subject_type = 'staff' GROUP BY 1, 2),
best_unit AS (
    SELECT as_of, unit_id, max(ord) AS ord FROM titles_at WHERE subject_type = 'unit' GROUP BY 1, 2),
unit_rating AS (
    SELECT DISTINCT ON (k.as_of, r.unit_id) k.as_of, r.unit_id, r.level, l.ord
    FROM cut k
    JOIN ratings r ON r.campaign_id = k.campaign_id AND r.subject_type = 'unit'
                  AND r.decided_on <= k.as_of AND r.decided_on <= k.closes_on
    JOIN level_order l ON l.level = r.level
    ORDER BY k.as_of, r.unit_id, r.decided_on DESC, r.id DESC),
cert AS (
    SELECT DISTINCT ON (k.as_of, x.kind) k.as_of, x.kind, x.achieved
    FROM cut k
    JOIN certifications x ON x.campaign_id = k.campaign_id
                         AND x.decided_on <= k.as_of AND x.decided_on <= k.closes_on
    ORDER BY k.as_of, x.kind, x.decided_on DESC, x.id DESC),
idx AS (
    SELECT k.as_of, i.kind, i.year, i.rank
    FROM cut k
    JOIN index_ranks i ON i.agency_id = k.agency_id
                      AND i.published_on <= k.as_of AND i.published_on <= k.closes_on),
-- The targets at each date; thr = a numeric threshold.
tk AS (
    SELECT k.*, t.position, t.code, t.metric, t.params, t.comparator, t.threshold,
           CASE WHEN jsonb_typeof(t.threshold) = 'number' THEN (t.threshold #>> '{}')::numeric END AS thr
    FROM cut k
    JOIN targets t ON t.campaign_id = k.campaign_id),
-- One row per target and date: num, den, value (text), threshold shown,
-- pending, ok (the condition holds).
result AS (
    -- task_completion
    SELECT tk.as_of, tk.position, tk.code, tk.metric, tk.final, n.num, n.den,
           round(n.num * 100::numeric / nullif(n.den, 0), 2)::text AS value, tk.threshold #>> '{}' AS threshold,
           n.den = 0 AS pending, pg_temp.cmp(n.num * 100::numeric, tk.comparator, tk.thr * n.den) AS ok
    FROM tk
    CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE x.completed_on IS NOT NULL AND x.completed_on <= x.due_on) AS num,
               count(*) AS den
        FROM tasks x
        WHERE x.campaign_id = tk.campaign_id AND x.due_on <= tk.dp) n
    WHERE tk.metric = 'task_completion'

    UNION ALL
    -- study_coverage
    SELECT tk.as_of, tk.position, tk.code, tk.metric, tk.final, n.num, n.den,
           round(n.num * 100::numeric / nullif(n.den, 0), 2)::text, tk.threshold #>> '{}',
           n.topics = 0 OR n.den = 0, pg_temp.cmp(n.num * 100::numeric, tk.comparator, tk.thr * n.den)
    FROM tk
    CROSS JOIN LATERAL (
        WITH counted AS (
            SELECT tp.id
            FROM study_topics tp
            WHERE tp.campaign_id = tk.campaign_id AND tp.required
              AND EXISTS (SELECT 1 FROM study_sessions ss WHERE ss.topic_id = tp.id AND ss.held_on <= tk.dp))
        SELECT (SELECT count(*) FROM counted) AS topics,
               count(*) AS den,
               count(*) FILTER (WHERE NOT EXISTS (
                   SELECT 1 FROM counted ct
                   WHERE NOT EXISTS (
                       SELECT 1
                       FROM attendance at
                       JOIN study_sessions ss ON ss.id = at.session_id
                       WHERE ss.topic_id = ct.id AND ss.held_on <= tk.dp AND at.staff_id = a.id))) AS num
        FROM active a
        WHERE a.as_of = tk.as_of) n
    WHERE tk.metric = 'study_coverage'

    UNION ALL
    -- staff_title_share
    SELECT tk.as_of, tk.position, tk.code, tk.metric, tk.final, n.num, n.den,
           round(n.num * 100::numeric / nullif(n.den, 0), 2)::text, tk.threshold #>> '{}',
           NOT n.any_title OR n.den = 0, pg_temp.cmp(n.num * 100::numeric, tk.comparator, tk.thr * n.den)
    FROM tk
    CROSS JOIN LATERAL (
        SELECT EXISTS (SELECT 1 FROM titles_at x WHERE x.as_of = tk.as_of AND x.subject_type = 'staff') AS any_title,
               count(*) FILTER (WHERE b.ord >= (SELECT ord FROM title_order WHERE title = tk.params ->> 'title')) AS num,
               CASE WHEN tk.params ->> 'base' = 'active_staff' THEN count(*)
                    ELSE count(*) FILTER (WHERE b.ord >= (SELECT ord FROM title_order WHERE title = tk.params ->> 'base'))
               END AS den
        FROM active a
        LEFT JOIN best_staff b ON b.as_of = a.as_of AND b.staff_id = a.id
        WHERE a.as_of = tk.as_of) n
    WHERE tk.metric = 'staff_title_share'

    UNION ALL
    -- unit_title_share and unit_title_count
    SELECT tk.as_of, tk.position, tk.code, tk.metric, tk.final, n.num,
           CASE WHEN tk.metric = 'unit_title_share' THEN n.den END,
           CASE WHEN tk.metric = 'unit_title_share' THEN round(n.num * 100::numeric / nullif(n.den, 0), 2)::text
                ELSE n.num::text END,
           tk.threshold #>> '{}',
           NOT n.any_title OR (tk.metric = 'unit_title_share' AND n.den = 0),
           CASE WHEN tk.metric = 'unit_title_share' THEN pg_temp.cmp(n.num * 100::numeric, tk.comparator, tk.thr * n.den)
                ELSE pg_temp.cmp(n.num, tk.comparator, tk.thr) END
    FROM tk
    CROSS JOIN LATERAL (
        SELECT count(b.unit_id) > 0 AS any_title,
               count(*) FILTER (WHERE b.ord >= (SELECT ord FROM title_order WHERE title = tk.params ->> 'title')) AS num,
               count(*) AS den
        FROM members m
        LEFT JOIN best_unit b ON b.as_of = m.as_of AND b.unit_id = m.id
        WHERE m.as_of = tk.as_of) n
    WHERE tk.metric IN ('unit_title_share', 'unit_title_count')

    UNION ALL
    -- rating (the agency or a unit by code)
    SELECT tk.as_of, tk.position, tk.code, tk.metric, tk.final, NULL, NULL, r.level, tk.threshold #>> '{}',
           r.level IS NULL, r.ord >= (SELECT ord FROM level_order WHERE level = tk.threshold #>> '{}')
    FROM tk
    LEFT JOIN unit_rating r
           ON r.as_of = tk.as_of
          AND r.unit_id = CASE WHEN tk.params ->> 'subject' = 'agency' THEN tk.agency_id
                               ELSE (SELECT id FROM tree WHERE code = tk.params ->> 'subject') END
    WHERE tk.metric = 'rating'

    UNION ALL
    -- ratings_all
    SELECT tk.as_of, tk.position, tk.code, tk.metric, tk.final, n.num, n.den, n.lowest, tk.threshold #>> '{}',
           n.den = 0 OR (n.below = 0 AND n.unrated > 0), n.num = n.den
    FROM tk
    CROSS JOIN LATERAL (
        SELECT count(*) AS den,
               count(*) FILTER (WHERE r.ord >= l.ord) AS num,
               count(*) FILTER (WHERE r.ord < l.ord) AS below,
               count(*) FILTER (WHERE r.level IS NULL) AS unrated,
               (array_agg(r.level ORDER BY r.ord) FILTER (WHERE r.level IS NOT NULL))[1] AS lowest
        FROM tree u
        JOIN level_order l ON l.level = tk.threshold #>> '{}'
        LEFT JOIN unit_rating r ON r.as_of = tk.as_of AND r.unit_id = u.id
        WHERE u.kind IN (SELECT jsonb_array_elements_text(tk.params -> 'kinds'))
          AND (u.dissolved_on IS NULL OR u.dissolved_on > tk.dp)) n
    WHERE tk.metric = 'ratings_all'

    UNION ALL
    -- index_rank: this year's rank against last year's
    SELECT tk.as_of, tk.position, tk.code, tk.metric, tk.final, NULL, NULL, cur.rank::text, prev.rank::text,
           cur.rank IS NULL OR prev.rank IS NULL, pg_temp.cmp(cur.rank, tk.comparator, prev.rank)
    FROM tk
    LEFT JOIN idx cur ON cur.as_of = tk.as_of AND cur.kind = tk.params ->> 'index' AND cur.year = tk.year
    LEFT JOIN idx prev ON prev.as_of = tk.as_of AND prev.kind = tk.params ->> 'index' AND prev.year = tk.year - 1
    WHERE tk.metric = 'index_rank'

    UNION ALL
    -- certification: the latest decision of the kind
    SELECT tk.as_of, tk.position, tk.code, tk.metric, tk.final, NULL, NULL, x.achieved::text, tk.threshold #>> '{}',
           x.achieved IS NULL, x.achieved = (tk.threshold #>> '{}')::boolean
    FROM tk
    LEFT JOIN cert x ON x.as_of = tk.as_of AND x.kind = tk.params ->> 'kind'
    WHERE tk.metric = 'certification')
SELECT as_of, position, code, numerator, denominator, value, threshold,
       CASE WHEN pending THEN 'pending' WHEN ok THEN 'met' WHEN final THEN 'missed' ELSE 'at_risk' END AS status
FROM (SELECT r.as_of, r.position, r.code,
             CASE WHEN r.pending THEN NULL ELSE r.num END AS numerator,
             CASE WHEN r.pending THEN NULL ELSE r.den END AS denominator,
             CASE WHEN r.pending THEN NULL ELSE r.value END AS value,
             r.threshold, r.pending, coalesce(r.ok, false) AS ok, r.final
      FROM result r) x;

SELECT as_of, position AS "#", code, numerator AS num, denominator AS den, value, threshold, status
FROM expected
ORDER BY as_of, position;

SELECT as_of,
       count(*) FILTER (WHERE status = 'met') AS met,
       count(*) FILTER (WHERE status = 'at_risk') AS at_risk,
       count(*) FILTER (WHERE status = 'missed') AS missed,
       count(*) FILTER (WHERE status = 'pending') AS pending
FROM expected
GROUP BY as_of
ORDER BY as_of;

DROP TABLE expected;
