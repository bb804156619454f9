-- Demo data, part 1: the agency and its units.
--
-- The Department of Home Affairs of Sóc Trăng province (Sở Nội vụ) as the
-- 2025 plan (sql/demo/README.md) describes it: divisions of the department
-- (đơn vị thuộc Sở), affiliated units (đơn vị trực thuộc), one unit nested
-- under an affiliated unit, one division dissolved in mid-2025, and the Party
-- committee and unions (organisations, not employers: no staff, not member
-- units of the scorecard).
--
-- Loaded once by deploy/stack.sh (dev stack) with psql -1; the loader skips
-- sql/demo/ when a unit with code 'SNV' and kind 'agency' exists. The unit
-- code VP is fixed: the demo user 'vanphong' (unit_head) is attached to it.
-- People, figures and decisions of the demo are invented.

-- The root: agency_id is set to its own id by the units_place trigger.
-- Its documents print "UBND TỈNH SÓC TRĂNG" above its name and date from
-- "Sóc Trăng" (migration 0016).
INSERT INTO units (code, name, kind, parent_body, place)
VALUES ('SNV', 'Sở Nội vụ tỉnh Sóc Trăng', 'agency', 'UBND TỈNH SÓC TRĂNG', 'Sóc Trăng');

-- Units directly under the agency, in display order.
INSERT INTO units (parent_id, code, name, kind, dissolved_on)
SELECT a.id, v.code, v.name, v.kind, v.dissolved_on
FROM units a,
     (VALUES
        -- Divisions (đơn vị thuộc Sở).
        (1,  'VP',    'Văn phòng Sở',                                                   'division',   NULL::date),
        (2,  'TTS',   'Thanh tra Sở',                                                   'division',   NULL),
        (3,  'TCBC',  'Phòng Tổ chức, biên chế và tổ chức phi chính phủ',               'division',   NULL),
        (4,  'CCHC',  'Phòng Cải cách hành chính',                                      'division',   NULL),
        (5,  'XDCQ',  'Phòng Xây dựng chính quyền và công tác thanh niên',              'division',   NULL),
        (6,  'CCVC',  'Phòng Công chức, viên chức',                                     'division',   NULL),
        -- Merged into Trung tâm Lưu trữ lịch sử from 1 July 2025 in the
        -- 2025 reorganisation; its remaining staff now belong to TTLT.
        (7,  'VTLT',  'Phòng Văn thư - Lưu trữ',                                        'division',   DATE '2025-07-01'),
        -- Affiliated units (đơn vị trực thuộc Sở).
        (8,  'BTDKT', 'Ban Thi đua - Khen thưởng',                                      'affiliated', NULL),
        (9,  'BTG',   'Ban Tôn giáo',                                                   'affiliated', NULL),
        (10, 'TTLT',  'Trung tâm Lưu trữ lịch sử',                                      'affiliated', NULL),
        -- The Party committee and the unions of the department.
        (11, 'DBSNV', 'Đảng bộ Sở Nội vụ',                                              'party',      NULL),
        (12, 'CDSNV', 'Công đoàn Sở Nội vụ',                                            'union',      NULL),
        (13, 'CDTN',  'Chi đoàn Thanh niên Sở Nội vụ',                                  'union',      NULL)
     ) AS v (ord, code, name, kind, dissolved_on)
WHERE a.code = 'SNV' AND a.kind = 'agency'
ORDER BY v.ord;

-- A member unit nested one level deeper: a division of the affiliated
-- Ban Thi đua - Khen thưởng. It counts as a member unit of the agency.
INSERT INTO units (parent_id, code, name, kind)
SELECT b.id, 'BTDKT-NV', 'Phòng Nghiệp vụ Thi đua - Khen thưởng', 'division'
FROM units a
JOIN units b ON b.agency_id = a.id AND b.code = 'BTDKT'
WHERE a.code = 'SNV' AND a.kind = 'agency';
