-- Demo data, part 4: study of the Party's resolutions (target study_coverage).
--
-- Two required topics named in the plan (Kết luận 01-KL/TW and Chỉ thị
-- 41-CT/TW) and one optional topic. Each required topic has a main session
-- and make-up sessions for those who missed it or joined later; the last
-- make-up of Kết luận 01 is held in January 2026, after the year's end: it
-- is kept but does not count for 2025.
--
-- Who attends is derived from the staff number (no random()): about one in
-- ten misses a main session and comes to the next make-up. Two people are
-- left out on purpose: SNV0150 (on maternity leave from May 2025, studies
-- Kết luận 01 only in January 2026) and SNV0200 (joined in November 2025,
-- attends the Chỉ thị 41 make-up but not the Kết luận 01 one of December).
-- Only people on the staff on the day of a session attend it.

CREATE OR REPLACE FUNCTION pg_temp.pick(n int, salt text, k int) RETURNS int
    LANGUAGE sql IMMUTABLE
    RETURN (('x' || substr(md5(salt || ':' || n), 1, 7))::bit(28)::int) % k;

CREATE OR REPLACE TEMP VIEW demo_campaign AS
SELECT c.id, c.agency_id
FROM units a
JOIN campaigns c ON c.agency_id = a.id AND c.code = 'TD2025'
WHERE a.code = 'SNV' AND a.kind = 'agency';

INSERT INTO study_topics (campaign_id, code, title, required)
SELECT c.id, v.code, v.title, v.required
FROM demo_campaign c
CROSS JOIN (VALUES
    (1, 'KL01', 'Kết luận số 01-KL/TW ngày 18/5/2021 của Bộ Chính trị về tiếp tục thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh', true),
    (2, 'CT41', 'Chỉ thị số 41-CT/TW ngày 26/12/2024 của Bộ Chính trị về tăng cường sự lãnh đạo của Đảng đối với công tác thi đua, khen thưởng trong tình hình mới', true),
    (3, 'LTDKT', 'Luật Thi đua, khen thưởng năm 2022 và các văn bản hướng dẫn thi hành', false)
) AS v (ord, code, title, required)
ORDER BY v.ord;

INSERT INTO study_sessions (campaign_id, topic_id, held_on, title)
SELECT c.id, t.id, v.held_on, v.title
FROM demo_campaign c
CROSS JOIN (VALUES
    ('CT41',  DATE '2025-03-12', 'Hội nghị quán triệt Chỉ thị số 41-CT/TW của Bộ Chính trị'),
    ('CT41',  DATE '2025-04-16', 'Học tập bổ sung Chỉ thị số 41-CT/TW cho người vắng hội nghị'),
    ('KL01',  DATE '2025-05-20', 'Học tập chuyên đề năm 2025 về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh'),
    ('KL01',  DATE '2025-06-25', 'Học tập bổ sung chuyên đề năm 2025 cho người vắng buổi học chính'),
    ('LTDKT', DATE '2025-07-10', 'Phổ biến Luật Thi đua, khen thưởng năm 2022 và Nghị định số 98/2023/NĐ-CP'),
    ('CT41',  DATE '2025-11-19', 'Học tập bổ sung Chỉ thị số 41-CT/TW cho công chức, viên chức mới tiếp nhận'),
    ('KL01',  DATE '2025-12-10', 'Học tập bổ sung chuyên đề năm 2025 cho công chức, viên chức mới tiếp nhận'),
    ('KL01',  DATE '2026-01-14', 'Học tập bổ sung chuyên đề năm 2025 (buổi học sau khi kết thúc năm)')
) AS v (topic, held_on, title)
JOIN study_topics t ON t.campaign_id = c.id AND t.code = v.topic
ORDER BY v.held_on, v.topic;

-- The agency's staff with their number, and the campaign's sessions by topic.
CREATE OR REPLACE TEMP VIEW demo_staff AS
SELECT s.id, CASE WHEN s.code ~ '^SNV[0-9]{4}$' THEN substr(s.code, 4)::int END AS n, s.joined_on, s.left_on, u.code AS unit_code
FROM demo_campaign c
JOIN staff s ON s.agency_id = c.agency_id
JOIN units u ON u.id = s.unit_id;

CREATE OR REPLACE TEMP VIEW demo_session AS
SELECT ss.id, t.code AS topic, ss.held_on
FROM demo_campaign c
JOIN study_sessions ss ON ss.campaign_id = c.id
JOIN study_topics t ON t.id = ss.topic_id;

-- Everyone on the staff on the session's day who has not yet attended a
-- session of its topic, less those the WHERE clause leaves out. Sessions
-- are filled in date order, so a make-up session gets those who missed the
-- sessions before it.
CREATE OR REPLACE TEMP VIEW demo_candidate AS
SELECT se.id AS session_id, se.topic, se.held_on, p.id AS staff_id, p.n, p.unit_code
FROM demo_session se
JOIN demo_staff p ON p.joined_on <= se.held_on AND (p.left_on IS NULL OR p.left_on > se.held_on)
WHERE NOT EXISTS (SELECT 1
                  FROM attendance a
                  JOIN demo_session s2 ON s2.id = a.session_id
                  WHERE s2.topic = se.topic AND a.staff_id = p.id);

-- Chỉ thị 41: main session (one in ten absent), then two make-ups.
INSERT INTO attendance (session_id, staff_id, recorded_at)
SELECT session_id, staff_id, held_on + TIME '17:00' FROM demo_candidate
WHERE topic = 'CT41' AND held_on = DATE '2025-03-12' AND pg_temp.pick(n, 'CT41', 10) <> 0
ORDER BY n;

INSERT INTO attendance (session_id, staff_id, recorded_at)
SELECT session_id, staff_id, held_on + TIME '17:00' FROM demo_candidate
WHERE topic = 'CT41' AND held_on = DATE '2025-04-16'
ORDER BY n;

INSERT INTO attendance (session_id, staff_id, recorded_at)
SELECT session_id, staff_id, held_on + TIME '17:00' FROM demo_candidate
WHERE topic = 'CT41' AND held_on = DATE '2025-11-19'
ORDER BY n;

-- Kết luận 01: main session, make-ups in June and December (without
-- SNV0150, on leave, and SNV0200), and the make-up of January 2026.
INSERT INTO attendance (session_id, staff_id, recorded_at)
SELECT session_id, staff_id, held_on + TIME '17:00' FROM demo_candidate
WHERE topic = 'KL01' AND held_on = DATE '2025-05-20' AND pg_temp.pick(n, 'KL01', 10) <> 0 AND n <> 150
ORDER BY n;

INSERT INTO attendance (session_id, staff_id, recorded_at)
SELECT session_id, staff_id, held_on + TIME '17:00' FROM demo_candidate
WHERE topic = 'KL01' AND held_on = DATE '2025-06-25' AND n <> 150
ORDER BY n;

INSERT INTO attendance (session_id, staff_id, recorded_at)
SELECT session_id, staff_id, held_on + TIME '17:00' FROM demo_candidate
WHERE topic = 'KL01' AND held_on = DATE '2025-12-10' AND n NOT IN (150, 200)
ORDER BY n;

INSERT INTO attendance (session_id, staff_id, recorded_at)
SELECT session_id, staff_id, held_on + TIME '17:00' FROM demo_candidate
WHERE topic = 'KL01' AND held_on = DATE '2026-01-14'
ORDER BY n;

-- The optional topic: the emulation and awards staff, the office, and about
-- a quarter of the others.
INSERT INTO attendance (session_id, staff_id, recorded_at)
SELECT session_id, staff_id, held_on + TIME '17:00' FROM demo_candidate
WHERE topic = 'LTDKT'
  AND (unit_code IN ('BTDKT', 'BTDKT-NV', 'VP') OR pg_temp.pick(n, 'LTDKT', 4) = 0)
ORDER BY n;
