-- Demo data, part 8: the facts the award criteria read.
--
-- Leader levels: the Ban Giám đốc (staff of the agency root) are lãnh đạo
-- Sở (agency); the first member still serving of every other unit, by
-- code, is its head (unit); everyone else is người lao động trực tiếp
-- (none, the default).
--
-- The calendar of 2025 and 2026: the public holidays of the Labour Code
-- (Bộ luật Lao động 2019, art. 112) that fall on a weekday, with Tết
-- Nguyên đán as the government arranged it for civil servants (2025: from
-- 28 tháng Chạp to mùng 3; 2026: from 29 tháng Chạp to mùng 4, the nine
-- days from Saturday 14/2 to Sunday 22/2 without a make-up day), a
-- holiday that falls on a Sunday moved to the Monday after (Giỗ Tổ Hùng
-- Vương 2026), and the two swaps of a working day: Friday 2/5/2025 off for
-- Saturday 26/4/2025, and Friday 2/1/2026 off for Saturday 10/1/2026 (Tết
-- Dương lịch 2026: four days from Thursday 1/1). Check a year's
-- arrangement against the notice of the Ministry of Home Affairs before
-- relying on it: the make-up days change every year.
--
-- A few initiatives (sáng kiến) recognised in 2024 and 2025, and one hold
-- on a staff member, opened and closed in 2025.

UPDATE staff s SET leader_level = 'agency'
FROM units u WHERE u.id = s.unit_id AND u.code = 'SNV' AND u.kind = 'agency';

UPDATE staff s SET leader_level = 'unit'
WHERE s.id IN (
    SELECT DISTINCT ON (s2.unit_id) s2.id
    FROM staff s2 JOIN units u ON u.id = s2.unit_id
    JOIN units a ON a.id = u.agency_id AND a.code = 'SNV' AND a.kind = 'agency'
    WHERE u.kind <> 'agency' AND s2.left_on IS NULL
    ORDER BY s2.unit_id, s2.code);

INSERT INTO holidays (date, name, kind) VALUES
    ('2025-01-01', 'Tết Dương lịch', 'holiday'),
    ('2025-01-27', 'Tết Nguyên đán Ất Tỵ (28 tháng Chạp)', 'holiday'),
    ('2025-01-28', 'Tết Nguyên đán Ất Tỵ (29 tháng Chạp)', 'holiday'),
    ('2025-01-29', 'Tết Nguyên đán Ất Tỵ (mùng 1)', 'holiday'),
    ('2025-01-30', 'Tết Nguyên đán Ất Tỵ (mùng 2)', 'holiday'),
    ('2025-01-31', 'Tết Nguyên đán Ất Tỵ (mùng 3)', 'holiday'),
    ('2025-04-07', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', 'holiday'),
    ('2025-04-26', 'Làm bù cho ngày nghỉ 02/5/2025', 'working_day'),
    ('2025-04-30', 'Ngày Giải phóng miền Nam, thống nhất đất nước', 'holiday'),
    ('2025-05-01', 'Ngày Quốc tế Lao động', 'holiday'),
    ('2025-05-02', 'Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)', 'holiday'),
    ('2025-09-01', 'Quốc khánh (ngày liền kề)', 'holiday'),
    ('2025-09-02', 'Quốc khánh', 'holiday'),
    ('2026-01-01', 'Tết Dương lịch', 'holiday'),
    ('2026-01-02', 'Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)', 'holiday'),
    ('2026-01-10', 'Làm bù cho ngày nghỉ 02/01/2026', 'working_day'),
    ('2026-02-16', 'Tết Nguyên đán Bính Ngọ (29 tháng Chạp)', 'holiday'),
    ('2026-02-17', 'Tết Nguyên đán Bính Ngọ (mùng 1)', 'holiday'),
    ('2026-02-18', 'Tết Nguyên đán Bính Ngọ (mùng 2)', 'holiday'),
    ('2026-02-19', 'Tết Nguyên đán Bính Ngọ (mùng 3)', 'holiday'),
    ('2026-02-20', 'Tết Nguyên đán Bính Ngọ (mùng 4)', 'holiday'),
    ('2026-04-27', 'Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch, Chủ nhật 26/4)', 'holiday'),
    ('2026-04-30', 'Ngày Giải phóng miền Nam, thống nhất đất nước', 'holiday'),
    ('2026-05-01', 'Ngày Quốc tế Lao động', 'holiday'),
    ('2026-09-01', 'Quốc khánh (ngày liền kề)', 'holiday'),
    ('2026-09-02', 'Quốc khánh', 'holiday')
ON CONFLICT (date) DO NOTHING;

WITH a AS (SELECT id FROM units WHERE code = 'SNV' AND kind = 'agency'),
i (n, title, level, recognized_on, decision_no, authors) AS (VALUES
    (1, 'Số hóa hồ sơ thi đua, khen thưởng và tra cứu trực tuyến', 'tinh', date '2025-10-15', '1520/QĐ-UBND',
     ARRAY['SNV0005', 'SNV0006']),
    (2, 'Quy trình một cửa liên thông giải quyết thủ tục nâng lương', 'co_so', date '2025-06-20', '85/QĐ-SNV',
     ARRAY['SNV0060']),
    (3, 'Sổ tay nghiệp vụ công tác văn thư cho cán bộ mới', 'co_so', date '2024-11-28', '142/QĐ-SNV',
     ARRAY['SNV0010'])),
ins AS (
    INSERT INTO initiatives (agency_id, title, level, recognized_on, decision_no)
    SELECT a.id, i.title, i.level, i.recognized_on, i.decision_no FROM a, i ORDER BY i.n
    RETURNING id, title)
INSERT INTO initiative_authors (initiative_id, staff_id)
SELECT ins.id, s.id
FROM ins JOIN i ON i.title = ins.title
CROSS JOIN LATERAL unnest(i.authors) AS au(code)
JOIN staff s ON s.code = au.code AND s.agency_id = (SELECT id FROM a);

INSERT INTO holds (agency_id, subject_type, staff_id, reason, opened_on, closed_on)
SELECT s.agency_id, 'staff', s.id, 'Đang giải quyết đơn khiếu nại liên quan; đã kết luận không vi phạm',
       '2025-03-10', '2025-05-20'
FROM staff s JOIN units a ON a.id = s.agency_id AND a.code = 'SNV' AND a.kind = 'agency'
WHERE s.code = 'SNV0120';
