-- The awards round, part 1: the department's campaigns of 2023 and 2024,
-- only for what the consecutive-years criteria (BK_TINH, CSTD_TINH) read:
-- a few year-end ratings and titles of the people the 2025 round is about.
-- No targets: the dashboard shows them as campaigns without a plan. The
-- 2023 campaign ends before luat-2022 is in force and so has no copy of
-- the rules; the 2024 one has.
--
--   SNV0002 Lê Thị Ánh        CSTĐCS 2023, 2024 (and CSTĐ cấp tỉnh in 2025, 06_decisions.sql)
--   SNV0006 Trương Minh Hòa   HTXSNV and CSTĐCS 2023, 2024; an initiative in 2024 (the BK_TINH of 2025)
--   SNV0039 Nguyễn Quốc Tâm   LĐTT 2023, CSTĐCS 2024
--   SNV0010, SNV0048, SNV0053, SNV0120: LĐTT 2024

INSERT INTO campaigns (agency_id, year, code, name, theme, plan_number, starts_on, ends_on, closes_on)
SELECT a.id, v.year, v.code, v.name, v.theme, v.plan_number, v.starts_on, v.ends_on, v.closes_on
FROM units a
CROSS JOIN (VALUES
    (2023, 'TD2023', 'Phong trào thi đua yêu nước năm 2023', 'Đoàn kết, kỷ cương, đổi mới, hiệu quả', '16/KH-SNV',
     DATE '2023-01-01', DATE '2023-12-31', DATE '2024-06-30'),
    (2024, 'TD2024', 'Phong trào thi đua yêu nước năm 2024', 'Đoàn kết, kỷ cương, chủ động, sáng tạo', '21/KH-SNV',
     DATE '2024-01-01', DATE '2024-12-31', DATE '2025-06-30')
) AS v (year, code, name, theme, plan_number, starts_on, ends_on, closes_on)
WHERE a.code = 'SNV' AND a.kind = 'agency'
ORDER BY v.year;

CREATE OR REPLACE TEMP VIEW demo_past AS
SELECT c.id AS campaign_id, c.code AS campaign, s.id AS staff_id, s.code AS staff
FROM units a
JOIN campaigns c ON c.agency_id = a.id AND c.code IN ('TD2023', 'TD2024')
JOIN staff s ON s.agency_id = a.id
WHERE a.code = 'SNV' AND a.kind = 'agency';

INSERT INTO ratings (campaign_id, subject_type, staff_id, level, decided_on, decision_no)
SELECT p.campaign_id, 'staff', p.staff_id, v.level, v.decided_on, v.decision_no
FROM demo_past p
JOIN (VALUES
    ('TD2023', 'SNV0002', 'HTXSNV', DATE '2023-12-22', '447/QĐ-SNV'),
    ('TD2023', 'SNV0006', 'HTXSNV', DATE '2023-12-22', '447/QĐ-SNV'),
    ('TD2023', 'SNV0039', 'HTTNV',  DATE '2023-12-22', '447/QĐ-SNV'),
    ('TD2024', 'SNV0002', 'HTXSNV', DATE '2024-12-23', '431/QĐ-SNV'),
    ('TD2024', 'SNV0006', 'HTXSNV', DATE '2024-12-23', '431/QĐ-SNV'),
    ('TD2024', 'SNV0039', 'HTXSNV', DATE '2024-12-23', '431/QĐ-SNV'),
    ('TD2024', 'SNV0010', 'HTTNV',  DATE '2024-12-23', '431/QĐ-SNV'),
    ('TD2024', 'SNV0048', 'HTTNV',  DATE '2024-12-23', '431/QĐ-SNV'),
    ('TD2024', 'SNV0053', 'HTTNV',  DATE '2024-12-23', '431/QĐ-SNV'),
    ('TD2024', 'SNV0120', 'HTTNV',  DATE '2024-12-23', '431/QĐ-SNV')
) AS v (campaign, staff, level, decided_on, decision_no) ON v.campaign = p.campaign AND v.staff = p.staff
ORDER BY v.decided_on, v.staff;

INSERT INTO titles (campaign_id, subject_type, staff_id, title, decision_no, decided_on)
SELECT p.campaign_id, 'staff', p.staff_id, v.title, v.decision_no, v.decided_on
FROM demo_past p
JOIN (VALUES
    ('TD2023', 'SNV0002', 'LDTT',   DATE '2023-12-27', '462/QĐ-SNV'),
    ('TD2023', 'SNV0006', 'LDTT',   DATE '2023-12-27', '462/QĐ-SNV'),
    ('TD2023', 'SNV0039', 'LDTT',   DATE '2023-12-27', '462/QĐ-SNV'),
    ('TD2023', 'SNV0002', 'CSTDCS', DATE '2024-01-17', '29/QĐ-SNV'),
    ('TD2023', 'SNV0006', 'CSTDCS', DATE '2024-01-17', '29/QĐ-SNV'),
    ('TD2024', 'SNV0002', 'LDTT',   DATE '2024-12-26', '455/QĐ-SNV'),
    ('TD2024', 'SNV0006', 'LDTT',   DATE '2024-12-26', '455/QĐ-SNV'),
    ('TD2024', 'SNV0039', 'LDTT',   DATE '2024-12-26', '455/QĐ-SNV'),
    ('TD2024', 'SNV0010', 'LDTT',   DATE '2024-12-26', '455/QĐ-SNV'),
    ('TD2024', 'SNV0048', 'LDTT',   DATE '2024-12-26', '455/QĐ-SNV'),
    ('TD2024', 'SNV0053', 'LDTT',   DATE '2024-12-26', '455/QĐ-SNV'),
    ('TD2024', 'SNV0120', 'LDTT',   DATE '2024-12-26', '455/QĐ-SNV'),
    ('TD2024', 'SNV0002', 'CSTDCS', DATE '2025-01-15', '32/QĐ-SNV'),
    ('TD2024', 'SNV0006', 'CSTDCS', DATE '2025-01-15', '32/QĐ-SNV'),
    ('TD2024', 'SNV0039', 'CSTDCS', DATE '2025-01-15', '32/QĐ-SNV')
) AS v (campaign, staff, title, decided_on, decision_no) ON v.campaign = p.campaign AND v.staff = p.staff
ORDER BY v.decided_on, v.staff, v.title;

-- SNV0006's initiative of 2024: with the provincial one of 2025
-- (08_awards_facts.sql), two in the span 2024–2025 that BK_TINH's second
-- alternative asks for.
WITH a AS (SELECT id FROM units WHERE code = 'SNV' AND kind = 'agency'),
ins AS (
    INSERT INTO initiatives (agency_id, title, level, recognized_on, decision_no)
    SELECT a.id, 'Ứng dụng chữ ký số trong luân chuyển văn bản nội bộ của Sở', 'co_so', DATE '2024-08-15', '97/QĐ-SNV'
    FROM a
    RETURNING id)
INSERT INTO initiative_authors (initiative_id, staff_id)
SELECT ins.id, s.id FROM ins, a JOIN staff s ON s.agency_id = a.id AND s.code = 'SNV0006';
