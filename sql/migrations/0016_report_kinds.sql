-- 0016_report_kinds.sql — what the award statistics (reports.md "Award
-- statistics") count: each title and each award has a kind of achievement
-- (thành tích thường xuyên, chuyên đề, đột xuất), thuong_xuyen unless said;
-- and one view of every award granted, shared by the reports.
--
-- award_grants: an award came one of three ways (as api/award_history.c
-- lists a campaign's awards): a title entered directly (no nomination), a
-- nomination decided by the agency, or one granted by the higher level
-- (its outcome). A proposal still waiting upward, or refused, is none.
ALTER TABLE titles ADD COLUMN achievement text NOT NULL DEFAULT 'thuong_xuyen'
    CONSTRAINT titles_achievement_check CHECK (achievement IN ('thuong_xuyen', 'chuyen_de', 'dot_xuat'));
ALTER TABLE nominations ADD COLUMN achievement text NOT NULL DEFAULT 'thuong_xuyen'
    CONSTRAINT nominations_achievement_check CHECK (achievement IN ('thuong_xuyen', 'chuyen_de', 'dot_xuat'));

CREATE VIEW award_grants AS
SELECT 't' || t.id AS ref, t.campaign_id, t.title AS award, t.subject_type, t.staff_id, t.unit_id AS unit_subject,
       t.decision_no, t.decided_on, 'direct' AS way, NULL::bigint AS nomination_id,
       CASE WHEN t.title IN ('CSTD_TINH', 'CSTD_TOAN_QUOC') THEN 'higher' ELSE 'agency' END AS level, t.achievement
  FROM titles t WHERE t.nomination_id IS NULL
UNION ALL
SELECT 'n' || n.id, n.campaign_id, n.award, n.subject_type, n.staff_id, n.unit_id, d.decision_no, d.decided_on,
       'nomination', n.id, 'agency', n.achievement
  FROM nominations n JOIN award_decisions d ON d.id = n.decision_id WHERE n.state = 'decided'
UNION ALL
SELECT 'o' || n.id, n.campaign_id, n.award, n.subject_type, n.staff_id, n.unit_id, o.decision_no, o.decided_on,
       'nomination', n.id, 'higher', n.achievement
  FROM nominations n JOIN award_outcomes o ON o.nomination_id = n.id WHERE o.granted;
GRANT SELECT ON award_grants TO thidua_app;

-- What an official document (Nghị định 30/2020) prints above and below the
-- agency's name, kept on the agency (a root unit): the body it answers to
-- ("UBND tỉnh Sóc Trăng", printed upper case; NULL: no line) and the place
-- name of its dates ("Sóc Trăng"; NULL: the date alone). The units routes
-- do not take them yet; an installation sets them once, in SQL.
ALTER TABLE units ADD COLUMN parent_body text
    CONSTRAINT units_parent_body_check CHECK (parent_body IS NULL OR length(btrim(parent_body)) BETWEEN 1 AND 200);
ALTER TABLE units ADD COLUMN place text
    CONSTRAINT units_place_check CHECK (place IS NULL OR length(btrim(place)) BETWEEN 1 AND 100);
