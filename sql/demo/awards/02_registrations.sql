-- The awards round, part 2: đăng ký thi đua of 2025, made in February
-- (TD2025's registration_closes_on is its default, 2025-01-01 + 60 days =
-- 2025-03-02): the people nominated in part 3 for their titles, and the
-- two divisions that aim at "Tập thể Lao động xuất sắc". The office
-- entered them (created_by); the unit head of VP its own two. The rules of
-- TD2025 do not ask for a registration (`registered` is not in luat-2022's
-- defaults): they are shown, not required.

SELECT set_config('thidua.user_id', (SELECT id::text FROM users WHERE username = 'office'), true);

INSERT INTO registrations (campaign_id, subject_type, staff_id, unit_id, award, registered_on, created_by, created_at)
SELECT c.id, v.subject_type, s.id, u.id, v.award, v.registered_on,
       (SELECT id FROM users WHERE username = v.by), v.registered_on + TIME '15:00'
FROM units a
JOIN campaigns c ON c.agency_id = a.id AND c.code = 'TD2025'
CROSS JOIN (VALUES
    ('staff', 'SNV0010', 'LDTT',   DATE '2025-02-14', 'vanphong'),
    ('staff', 'SNV0006', 'CSTDCS', DATE '2025-02-14', 'vanphong'),
    ('staff', 'SNV0048', 'LDTT',   DATE '2025-02-18', 'office'),
    ('staff', 'SNV0053', 'LDTT',   DATE '2025-02-18', 'office'),
    ('staff', 'SNV0039', 'CSTDCS', DATE '2025-02-20', 'office'),
    ('staff', 'SNV0120', 'CSTDCS', DATE '2025-02-21', 'office'),
    ('staff', 'SNV0060', 'CSTDCS', DATE '2025-02-25', 'office'),
    ('unit',  'XDCQ',    'TTLDXS', DATE '2025-02-20', 'office'),
    ('unit',  'TTS',     'TTLDXS', DATE '2025-02-27', 'office')
) AS v (subject_type, code, award, registered_on, by)
LEFT JOIN staff s ON v.subject_type = 'staff' AND s.agency_id = a.id AND s.code = v.code
LEFT JOIN units u ON v.subject_type = 'unit' AND u.agency_id = a.id AND u.code = v.code
WHERE a.code = 'SNV' AND a.kind = 'agency'
ORDER BY v.registered_on, v.code;
