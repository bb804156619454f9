-- The awards round, part 4: the director's decisions on what the council
-- recommended.
--
--   2025-12-26  468/QĐ-SNV  LĐTT of SNV0010, SNV0048, SNV0053
--   2026-01-16  35/QĐ-SNV   CSTĐCS of SNV0039, SNV0120
--   2026-01-16  18/TTr-SNV  BK_TINH of SNV0006, proposed to the province
--                           (proposed_upward; no answer from it yet)
--
-- The titles these decisions grant are already among the year's titles
-- (06_decisions.sql writes every LĐTT of 468/QĐ-SNV and every CSTĐCS of
-- 35/QĐ-SNV, most entered directly): the decision marks those rows as come
-- through its nomination (titles.nomination_id) and adds none, so the
-- scorecard of the demo (tests/demo/expected.sql) does not move.

SELECT set_config('thidua.user_id', pg_temp.demo_user('director')::text, true);

INSERT INTO award_decisions (campaign_id, decision_no, decided_on, decided_by, created_at)
SELECT c.id, v.decision_no, v.decided_on, pg_temp.demo_user('director'), v.decided_on + TIME '16:00'
FROM demo_td2025 c
CROSS JOIN (VALUES
    ('468/QĐ-SNV', DATE '2025-12-26'),
    ('35/QĐ-SNV',  DATE '2026-01-16'),
    ('18/TTr-SNV', DATE '2026-01-16')
) AS v (decision_no, decided_on)
ORDER BY v.decided_on, v.decision_no;

-- Each recommended nomination: decided, or proposed upward when its
-- award's council rule says so (BK_TINH).
UPDATE nominations n
SET state = CASE WHEN (r.rules -> 'awards' -> n.award -> 'council' ->> 'upward')::boolean THEN 'proposed_upward'
                 ELSE 'decided' END,
    decision_id = d.id, decided_by = d.decided_by, decided_at = d.created_at, decision_no = d.decision_no
FROM demo_td2025 c
JOIN campaign_award_rules r ON r.campaign_id = c.id
JOIN award_decisions d ON d.campaign_id = c.id
WHERE n.campaign_id = c.id AND n.state = 'recommended'
  AND d.decision_no = CASE n.award WHEN 'LDTT' THEN '468/QĐ-SNV' WHEN 'CSTDCS' THEN '35/QĐ-SNV'
                                   WHEN 'BK_TINH' THEN '18/TTr-SNV' END;

UPDATE titles t SET nomination_id = n.id
FROM nominations n
JOIN award_decisions d ON d.id = n.decision_id
WHERE n.state = 'decided' AND t.campaign_id = n.campaign_id AND t.subject_type = 'staff' AND t.staff_id = n.staff_id
  AND t.title = n.award AND t.decision_no = d.decision_no AND t.decided_on = d.decided_on;
