-- Demo data, part 2: 200 staff members with generated names.
--
-- Names are generated, not taken from any real list: a family name, a
-- middle name and a given name, each chosen by a hash of the staff number
-- (md5, so the same on every machine; no random()). Family names follow
-- their usual frequency in the Mekong delta, with Khmer and Hoa family names
-- common in Sóc Trăng (Thạch, Sơn, Kim, Danh; Lâm, Quách, Triệu, Tăng); about
-- half of the Khmer family names get a Khmer given name.
--
-- Codes SNV0001..SNV0194 go unit by unit; SNV0195..SNV0200 are the six
-- people who joined during 2025. A few rows have fixed dates (the table
-- "special" below): leavers, joiners and edge cases of the scorecard's
-- cut-off (someone leaving on 2025-09-30, someone joining on 2025-09-30).

-- pick(n, salt, k): a deterministic choice in 0..k-1 for staff number n.
CREATE OR REPLACE FUNCTION pg_temp.pick(n int, salt text, k int) RETURNS int
    LANGUAGE sql IMMUTABLE
    RETURN (('x' || substr(md5(salt || ':' || n), 1, 7))::bit(28)::int) % k;

WITH
-- Head count per unit, joiners of 2025 excluded (they come last).
layout (ord, unit_code, cnt) AS (VALUES
    (1,  'SNV',      4),   -- Ban Giám đốc Sở: the director and deputies
    (2,  'VP',       33),
    (3,  'TTS',      9),
    (4,  'TCBC',     11),
    (5,  'CCHC',     10),
    (6,  'XDCQ',     12),
    (7,  'CCVC',     13),
    (8,  'BTDKT',    12),
    (9,  'BTDKT-NV', 9),
    (10, 'BTG',      25),
    (11, 'TTLT',     54),
    (12, 'VTLT',     2)),  -- both left before the unit was dissolved
slots AS (
    SELECT unit_code, cnt, sum(cnt) OVER (ORDER BY ord) - cnt AS before
    FROM layout),
people AS (
    SELECT (s.before + g.pos)::int AS n, s.unit_code, g.pos,
           CASE WHEN s.unit_code = 'VP' AND g.pos > 23 THEN 'nguoi_lao_dong'   -- drivers, guards, service staff
                WHEN s.unit_code = 'TTLT' AND g.pos > 48 THEN 'nguoi_lao_dong' -- guards, service staff
                WHEN s.unit_code = 'TTLT' THEN 'vien_chuc'
                ELSE 'cong_chuc' END AS category
    FROM slots s
    CROSS JOIN LATERAL generate_series(1, s.cnt) AS g (pos)
    UNION ALL
    -- The six who joined during 2025 (dates in "special").
    SELECT v.n, v.unit_code, 0, v.category
    FROM (VALUES (195, 'TCBC', 'cong_chuc'),
                 (196, 'TTLT', 'vien_chuc'),
                 (197, 'CCHC', 'cong_chuc'),
                 (198, 'TTLT', 'vien_chuc'),
                 (199, 'BTG',  'cong_chuc'),
                 (200, 'VP',   'nguoi_lao_dong')) AS v (n, unit_code, category)),
-- Fixed dates and, where it matters for the story, the sex.
special (n, joined_on, left_on, female) AS (VALUES
    (11,  DATE '1991-09-01', DATE '2026-02-28', NULL::boolean), -- retires after the year: active at 2025-12-31
    (30,  DATE '2015-03-01', DATE '2024-10-31', NULL),          -- left in 2024
    (88,  DATE '1992-08-01', DATE '2025-11-30', NULL),          -- retired 2025-11-30 (still gets LĐTT 2025)
    (126, DATE '2012-05-15', DATE '2025-09-30', NULL),          -- left on 2025-09-30: not active at 2025-09-30
    (150, DATE '2018-07-01', NULL,              true),          -- maternity leave May 2025 - Jan 2026
    (171, DATE '2019-10-01', DATE '2025-08-15', NULL),          -- resigned 2025-08-15
    (180, DATE '2016-01-01', DATE '2024-06-30', NULL),          -- left in 2024
    (193, DATE '1990-11-01', DATE '2025-03-31', NULL),          -- retired from Phòng Văn thư - Lưu trữ
    (194, DATE '2010-04-01', DATE '2025-06-30', NULL),          -- transferred out before the merger
    (195, DATE '2025-02-17', NULL,              NULL),          -- joiners of 2025
    (196, DATE '2025-04-01', NULL,              NULL),
    (197, DATE '2025-08-01', NULL,              NULL),
    (198, DATE '2025-09-30', NULL,              NULL),          -- joined on 2025-09-30: active at 2025-09-30
    (199, DATE '2025-10-01', NULL,              NULL),
    (200, DATE '2025-11-03', NULL,              NULL)),
-- Family names with weights; khmer: may take a Khmer given name.
families (ord, name, weight, khmer) AS (VALUES
    (1, 'Nguyễn', 18, false), (2, 'Trần', 10, false), (3, 'Lê', 8, false),
    (4, 'Phạm', 6, false), (5, 'Huỳnh', 6, false), (6, 'Võ', 5, false),
    (7, 'Hoàng', 2, false), (8, 'Đặng', 3, false), (9, 'Bùi', 2, false),
    (10, 'Đỗ', 2, false), (11, 'Hồ', 3, false), (12, 'Ngô', 2, false),
    (13, 'Dương', 3, false), (14, 'Lý', 3, false), (15, 'Trương', 3, false),
    (16, 'Phan', 4, false), (17, 'Châu', 2, false), (18, 'Lâm', 5, false),
    (19, 'Quách', 1, false), (20, 'Triệu', 1, false), (21, 'Tăng', 1, false),
    (22, 'Thạch', 6, true), (23, 'Sơn', 4, true), (24, 'Kim', 3, true),
    (25, 'Danh', 2, true)),
fam AS (
    SELECT name, khmer, sum(weight) OVER (ORDER BY ord) - weight AS lo, sum(weight) OVER (ORDER BY ord) AS hi
    FROM families),
middles (sex, ord, name, weight) AS (VALUES
    ('m', 1, 'Văn', 12), ('m', 2, 'Minh', 3), ('m', 3, 'Hoàng', 2), ('m', 4, 'Thanh', 3),
    ('m', 5, 'Quốc', 2), ('m', 6, 'Hữu', 2), ('m', 7, 'Đức', 1), ('m', 8, 'Tấn', 2),
    ('m', 9, 'Công', 1), ('m', 10, 'Chí', 1),
    ('f', 1, 'Thị', 14), ('f', 2, 'Ngọc', 3), ('f', 3, 'Thanh', 1), ('f', 4, 'Kim', 1),
    ('f', 5, 'Mỹ', 1), ('f', 6, 'Bích', 1), ('f', 7, 'Phương', 1), ('f', 8, 'Hồng', 1),
    ('f', 9, 'Như', 1), ('f', 10, 'Diệu', 1)),
mid AS (
    SELECT sex, name, sum(weight) OVER (PARTITION BY sex ORDER BY ord) - weight AS lo,
           sum(weight) OVER (PARTITION BY sex ORDER BY ord) AS hi
    FROM middles),
given (sex, khmer, names) AS (VALUES
    ('m', false, ARRAY['An', 'Bảo', 'Bình', 'Cường', 'Dũng', 'Duy', 'Đạt', 'Định', 'Hải', 'Hậu', 'Hiếu',
                       'Hòa', 'Hùng', 'Huy', 'Khang', 'Khánh', 'Khoa', 'Kiệt', 'Lộc', 'Long', 'Luân', 'Nam',
                       'Nghĩa', 'Nhân', 'Phát', 'Phong', 'Phúc', 'Quang', 'Sang', 'Tài', 'Tâm', 'Thắng',
                       'Thành', 'Thiện', 'Thịnh', 'Toàn', 'Trí', 'Trung', 'Tuấn', 'Vinh', 'Vũ']),
    ('f', false, ARRAY['Anh', 'Ánh', 'Châu', 'Diễm', 'Dung', 'Duyên', 'Đào', 'Giang', 'Hà', 'Hạnh', 'Hằng',
                       'Hiền', 'Hoa', 'Huệ', 'Hương', 'Huyền', 'Kiều', 'Lan', 'Liên', 'Linh', 'Loan', 'Mai',
                       'My', 'Ngân', 'Nhi', 'Nhung', 'Oanh', 'Phượng', 'Quyên', 'Quỳnh', 'Tâm', 'Thảo', 'Thu',
                       'Thủy', 'Thư', 'Trang', 'Trinh', 'Tuyết', 'Uyên', 'Vân', 'Xuân', 'Yến']),
    ('m', true,  ARRAY['Sô Phal', 'Sa Rinh', 'Chanh Đa', 'Ry Tha', 'Sóc Khanh', 'Sô Ry', 'Sa Rây', 'Mô Ni']),
    ('f', true,  ARRAY['Sa Ra', 'Sô Phia', 'Chanh Thi', 'Sóc Ny', 'Đa Ry', 'Sa Phi', 'Pha Ly'])),
named AS (
    SELECT p.n, p.unit_code, p.category,
           coalesce(sp.joined_on,
                    make_date(1993 + pg_temp.pick(p.n, 'year', 32), 1 + pg_temp.pick(p.n, 'month', 12),
                              1 + 14 * pg_temp.pick(p.n, 'day', 2))) AS joined_on,
           sp.left_on,
           sx.sex, f.name AS family, kg.khmer_given,
           CASE WHEN kg.khmer_given THEN CASE WHEN sx.sex = 'f' THEN 'Thị' END
                ELSE (SELECT m.name FROM mid m
                      WHERE m.sex = sx.sex
                        AND pg_temp.pick(p.n, 'middle', (SELECT max(hi) FROM mid WHERE sex = sx.sex)::int) >= m.lo
                        AND pg_temp.pick(p.n, 'middle', (SELECT max(hi) FROM mid WHERE sex = sx.sex)::int) < m.hi)
           END AS middle,
           pg_temp.pick(p.n, 'given', 1000) AS g0
    FROM people p
    LEFT JOIN special sp ON sp.n = p.n
    CROSS JOIN LATERAL (
        SELECT CASE WHEN coalesce(sp.female,
                                  pg_temp.pick(p.n, 'sex', 100) < CASE WHEN p.category = 'nguoi_lao_dong' THEN 30 ELSE 52 END)
                    THEN 'f' ELSE 'm' END AS sex) sx
    JOIN fam f ON pg_temp.pick(p.n, 'family', (SELECT max(hi) FROM fam)::int) >= f.lo
              AND pg_temp.pick(p.n, 'family', (SELECT max(hi) FROM fam)::int) < f.hi
    CROSS JOIN LATERAL (SELECT f.khmer AND pg_temp.pick(p.n, 'khmer', 2) = 0 AS khmer_given) kg),
-- The given name: the hashed choice, moved on by 5 places for each earlier
-- person who would otherwise get the very same full name.
full_names AS (
    SELECT x.*,
           concat_ws(' ', x.family, x.middle,
                     g.names[1 + (x.g0 + 5 * (row_number() OVER (
                                      PARTITION BY x.family, x.middle, x.sex, x.khmer_given,
                                                   x.g0 % array_length(g.names, 1)
                                      ORDER BY x.n) - 1)) % array_length(g.names, 1)]) AS full_name
    FROM named x
    JOIN given g ON g.sex = x.sex AND g.khmer = x.khmer_given)
INSERT INTO staff (unit_id, code, full_name, category, joined_on, left_on)
SELECT u.id, 'SNV' || lpad(x.n::text, 4, '0'), x.full_name, x.category, x.joined_on, x.left_on
FROM full_names x
JOIN units a ON a.code = 'SNV' AND a.kind = 'agency'
JOIN units u ON u.agency_id = a.id AND u.code = x.unit_code
ORDER BY x.n;
