-- Demo data, part 6: the decisions about 2025 — ratings, titles, index
-- ranks, certifications (targets 3 to 12).
--
-- Timeline (all dates are decision or publication dates):
--   2025-12-19  Chi đoàn Thanh niên rated HTNV (revised on 2026-01-12)
--   2025-12-24  staff and member units rated (xếp loại cuối năm)
--   2025-12-26  "Lao động tiên tiến" and "Tập thể Lao động tiên tiến"
--   2025-12-30  Công đoàn Sở rated HTXSNV
--   2026-01-08  Đảng bộ Sở rated HTTNV
--   2026-01-12  Chi đoàn Thanh niên re-rated HTTNV (the latest counts)
--   2026-01-16  "Chiến sĩ thi đua cơ sở"
--   2026-01-20  certified safe for security and order
--   2026-01-22  "Đơn vị học tập tốt" refused (file incomplete)
--   2026-02-06  the department rated HTTNV by the provincial committee
--   2026-03-10  "Đơn vị học tập tốt" granted after the file was completed
--   2026-03-20  "Tập thể Lao động xuất sắc" for Phòng Xây dựng chính quyền
--               và công tác thanh niên (one of the two the plan asks for)
--   2026-04-10  "Chiến sĩ thi đua cấp tỉnh" for one person
--   2026-04-21  PAR index 2025 published: rank 3 (2024: 4)  -> kept
--   2026-05-15  DTI 2025 published: rank 6 (2024: 3)        -> slipped
-- The campaign closes on 2026-06-30; nothing is dated after it.
--
-- Who gets a title is derived from the staff number (no random()), in
-- exact numbers: of the 193 people on the staff at 2025-12-31, 155 hold
-- "Lao động tiên tiến" or higher (80.31 %, just above the 80 % of the
-- plan), and 23 of those hold "Chiến sĩ thi đua cơ sở" (14.84 % of them,
-- the legal ceiling being 15 %; the plan's 20 % is missed). Two of the 23
-- were recorded with the higher title only (no separate LĐTT row): holding
-- a title counts as holding every lower one. One more LĐTT goes to SNV0088,
-- who retired on 2025-11-30 and so is no longer active staff.

CREATE OR REPLACE FUNCTION pg_temp.pick(n int, salt text, k int) RETURNS int
    LANGUAGE sql IMMUTABLE
    RETURN (('x' || substr(md5(salt || ':' || n), 1, 7))::bit(28)::int) % k;

CREATE OR REPLACE TEMP VIEW demo_campaign AS
SELECT c.id, c.agency_id
FROM units a
JOIN campaigns c ON c.agency_id = a.id AND c.code = 'TD2025'
WHERE a.code = 'SNV' AND a.kind = 'agency';

-- One row per staff member: the best individual title of 2025 (null for
-- none), the rank among the CSTĐCS holders (for the special cases above),
-- and the year-end rating level (null: not rated, e.g. joined after June).
CREATE TEMP TABLE demo_award AS
WITH p AS (
    SELECT s.id, CASE WHEN s.code ~ '^SNV[0-9]{4}$' THEN substr(s.code, 4)::int END AS n, s.unit_id, s.category, s.joined_on, s.left_on
    FROM demo_campaign c
    JOIN staff s ON s.agency_id = c.agency_id),
-- Eligible for LĐTT: on the staff at the year's end, in post since before March.
ldtt AS (
    SELECT id, row_number() OVER (ORDER BY pg_temp.pick(n, 'LDTT', 1000000), n) AS rk
    FROM p
    WHERE joined_on < DATE '2025-03-01' AND (left_on IS NULL OR left_on > DATE '2025-12-31')),
cstdcs AS (
    SELECT l.id, row_number() OVER (ORDER BY pg_temp.pick(p.n, 'CSTDCS', 1000000), p.n) AS rk
    FROM ldtt l JOIN p ON p.id = l.id
    WHERE l.rk <= 155),
titled AS (
    SELECT p.*,
           CASE WHEN c.rk <= 23 THEN 'CSTDCS'
                WHEN l.rk <= 155 OR p.n = 88 THEN 'LDTT' END AS best,
           CASE WHEN c.rk <= 23 THEN c.rk END AS cst_rank,
           p.joined_on <= DATE '2025-06-30' AND (p.left_on IS NULL OR p.left_on > DATE '2025-12-31') AS rated
    FROM p
    LEFT JOIN ldtt l ON l.id = p.id
    LEFT JOIN cstdcs c ON c.id = p.id),
-- Those rated without a title, in a hashed order: the first is rated
-- KHTNV, the next five HTTNV, the others HTNV.
plain AS (
    SELECT id, row_number() OVER (ORDER BY pg_temp.pick(n, 'rating', 1000000), n) AS rk
    FROM titled
    WHERE rated AND best IS NULL)
SELECT t.id AS staff_id, t.n, t.unit_id, t.category, t.best, t.cst_rank,
       CASE WHEN NOT t.rated THEN NULL
            WHEN t.best = 'CSTDCS' THEN 'HTXSNV'
            WHEN t.best = 'LDTT' THEN 'HTTNV'
            WHEN pl.rk = 1 THEN 'KHTNV'
            WHEN pl.rk <= 6 THEN 'HTTNV'
            ELSE 'HTNV' END AS level
FROM titled t
LEFT JOIN plain pl ON pl.id = t.id;

-- ------------------------------------------------------------ staff ratings
-- Công chức and người lao động are rated by the director of the department,
-- the archive centre's viên chức by its own director.
INSERT INTO ratings (campaign_id, subject_type, staff_id, level, decided_on, decision_no)
SELECT c.id, 'staff', d.staff_id, d.level, DATE '2025-12-24',
       CASE WHEN d.category = 'vien_chuc' THEN '96/QĐ-TTLT' ELSE '452/QĐ-SNV' END
FROM demo_campaign c, demo_award d
WHERE d.level IS NOT NULL
ORDER BY d.n;

-- ------------------------------------------------------------ individual titles
INSERT INTO titles (campaign_id, subject_type, staff_id, title, decision_no, decided_on)
SELECT c.id, 'staff', d.staff_id, 'LDTT', '468/QĐ-SNV', DATE '2025-12-26'
FROM demo_campaign c, demo_award d
WHERE d.best IS NOT NULL AND coalesce(d.cst_rank, 0) NOT IN (1, 2)
ORDER BY d.n;

INSERT INTO titles (campaign_id, subject_type, staff_id, title, decision_no, decided_on)
SELECT c.id, 'staff', d.staff_id, 'CSTDCS', '35/QĐ-SNV', DATE '2026-01-16'
FROM demo_campaign c, demo_award d
WHERE d.best = 'CSTDCS'
ORDER BY d.n;

INSERT INTO titles (campaign_id, subject_type, staff_id, title, decision_no, decided_on)
SELECT c.id, 'staff', d.staff_id, 'CSTD_TINH', '786/QĐ-UBND', DATE '2026-04-10'
FROM demo_campaign c, demo_award d
WHERE d.cst_rank = 3;

-- ------------------------------------------------------------ units
-- Member units: all rated HTTNV but Phòng Xây dựng chính quyền và công tác
-- thanh niên (HTXSNV: every task on time, 11 of its 12 people LĐTT); all
-- "Tập thể Lao động tiên tiến"; only that division reaches "Tập thể Lao động
-- xuất sắc" (the plan asks for two: missed). The merged Phòng Văn thư - Lưu
-- trữ gets neither.
INSERT INTO ratings (campaign_id, subject_type, unit_id, level, decided_on, decision_no)
SELECT c.id, 'unit', u.id, CASE WHEN u.code = 'XDCQ' THEN 'HTXSNV' ELSE 'HTTNV' END,
       DATE '2025-12-24', '453/QĐ-SNV'
FROM demo_campaign c
JOIN units u ON u.agency_id = c.agency_id
WHERE u.kind IN ('division', 'affiliated') AND u.dissolved_on IS NULL
ORDER BY u.id;

INSERT INTO titles (campaign_id, subject_type, unit_id, title, decision_no, decided_on)
SELECT c.id, 'unit', u.id, 'TTLDTT', '469/QĐ-SNV', DATE '2025-12-26'
FROM demo_campaign c
JOIN units u ON u.agency_id = c.agency_id
WHERE u.kind IN ('division', 'affiliated') AND u.dissolved_on IS NULL
ORDER BY u.id;

INSERT INTO titles (campaign_id, subject_type, unit_id, title, decision_no, decided_on)
SELECT c.id, 'unit', u.id, 'TTLDXS', '512/QĐ-UBND', DATE '2026-03-20'
FROM demo_campaign c
JOIN units u ON u.agency_id = c.agency_id AND u.code = 'XDCQ';

-- The department itself, the Party committee and the unions. The youth
-- union's first rating was revised after its review: two decisions, the
-- later one counts.
INSERT INTO ratings (campaign_id, subject_type, unit_id, level, decided_on, decision_no)
SELECT c.id, 'unit', u.id, v.level, v.decided_on, v.decision_no
FROM demo_campaign c
CROSS JOIN (VALUES
    ('CDTN',  'HTNV',   DATE '2025-12-19', '112-QĐ/TĐTN'),
    ('CDSNV', 'HTXSNV', DATE '2025-12-30', '58/QĐ-LĐLĐ'),
    ('DBSNV', 'HTTNV',  DATE '2026-01-08', '215-QĐ/ĐUK'),
    ('CDTN',  'HTTNV',  DATE '2026-01-12', '07-QĐ/TĐTN'),
    ('SNV',   'HTTNV',  DATE '2026-02-06', '245/QĐ-UBND')
) AS v (unit_code, level, decided_on, decision_no)
JOIN units u ON u.agency_id = c.agency_id AND u.code = v.unit_code
ORDER BY v.decided_on;

-- ------------------------------------------------------------ index ranks
-- The provincial ranking of departments (19 ranked), published each spring
-- for the year before; 2023 is there for the history.
INSERT INTO index_ranks (agency_id, kind, year, score, rank, rank_total, published_on)
SELECT c.agency_id, v.kind, v.year, v.score, v.rank, 19, v.published_on
FROM demo_campaign c
CROSS JOIN (VALUES
    ('par_index', 2023, 86.21, 6, DATE '2024-04-12'),
    ('dti',       2023, 71.40, 5, DATE '2024-05-20'),
    ('par_index', 2024, 88.56, 4, DATE '2025-04-18'),
    ('dti',       2024, 78.36, 3, DATE '2025-05-09'),
    ('par_index', 2025, 90.12, 3, DATE '2026-04-21'),
    ('dti',       2025, 74.90, 6, DATE '2026-05-15')
) AS v (kind, year, score, rank, published_on)
ORDER BY v.published_on;

-- ------------------------------------------------------------ certifications
INSERT INTO certifications (campaign_id, kind, achieved, decided_on, decision_no)
SELECT c.id, v.kind, v.achieved, v.decided_on, v.decision_no
FROM demo_campaign c
CROSS JOIN (VALUES
    ('security_order',     true,  DATE '2026-01-20', '146/QĐ-CAT'),
    ('good_learning_unit', false, DATE '2026-01-22', '09/QĐ-HKH'),
    ('good_learning_unit', true,  DATE '2026-03-10', '27/QĐ-HKH')
) AS v (kind, achieved, decided_on, decision_no)
ORDER BY v.decided_on;
