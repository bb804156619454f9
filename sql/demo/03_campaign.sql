-- Demo data, part 3: the 2025 campaign and its twelve targets.
--
-- The campaign is the plan "Kế hoạch phát động phong trào thi đua năm 2025
-- tại Sở Nội vụ tỉnh Sóc Trăng" (February 2025). The plan's heading reads
-- "Số: /KH-SNV": the number was left blank in the text we have, so the demo
-- uses the invented number 25/KH-SNV. Year-end titles and ratings are
-- decided in December and January and the PAR and DTI ranks are published
-- in spring, so decisions may be taken until 2026-06-30 (closes_on).
--
-- The targets are section II.2 "Chỉ tiêu thi đua" of the plan, as data
-- (see the table "The 2025 plan as data" in the specification of targets):
-- code, Vietnamese name from the plan, metric, params, comparator,
-- threshold. An index_rank target has no threshold of its own: it compares
-- with the agency's rank of the year before.

INSERT INTO campaigns (agency_id, year, code, name, theme, plan_number, starts_on, ends_on, closes_on)
SELECT a.id, 2025, 'TD2025',
       'Phong trào thi đua yêu nước năm 2025',
       'Kỷ cương trách nhiệm; chủ động kịp thời; tinh gọn hiệu quả; tạo đà bứt phá',
       '25/KH-SNV',
       DATE '2025-01-01', DATE '2025-12-31', DATE '2026-06-30'
FROM units a
WHERE a.code = 'SNV' AND a.kind = 'agency';

INSERT INTO targets (campaign_id, position, code, name, metric, params, comparator, threshold)
SELECT c.id, v.position, v.code, v.name, v.metric, v.params::jsonb, v.comparator, v.threshold::jsonb
FROM units a
JOIN campaigns c ON c.agency_id = a.id AND c.code = 'TD2025'
CROSS JOIN (VALUES
    (1, 'tasks_completed',
        'Hoàn thành và hoàn thành vượt mức các nhiệm vụ theo chương trình, kế hoạch công tác đảm bảo hiệu quả, chất lượng năm 2025',
        'task_completion', '{}', 'ge', '100'),
    (2, 'study_coverage',
        'Trên 98% công chức, viên chức, người lao động trong cơ quan được nghiên cứu, học tập, quán triệt các Chỉ thị, Nghị quyết của Đảng, chính sách pháp luật của Nhà nước',
        'study_coverage', '{}', 'gt', '98'),
    (3, 'units_advanced',
        '100% cơ quan, đơn vị thuộc và trực thuộc Sở đạt danh hiệu "Tập thể Lao động tiên tiến" trở lên',
        'unit_title_share', '{"title": "TTLDTT"}', 'ge', '100'),
    (4, 'units_excellent',
        'Trong đó 02 tập thể đạt danh hiệu "Tập thể Lao động xuất sắc"',
        'unit_title_count', '{"title": "TTLDXS"}', 'ge', '2'),
    (5, 'staff_advanced',
        '80% công chức, viên chức, người lao động đạt danh hiệu "Lao động tiên tiến"',
        'staff_title_share', '{"title": "LDTT", "base": "active_staff"}', 'ge', '80'),
    (6, 'staff_emulation_fighters',
        'Trong đó 20% đạt danh hiệu "Chiến sĩ thi đua cơ sở"',
        'staff_title_share', '{"title": "CSTDCS", "base": "LDTT"}', 'ge', '20'),
    (7, 'agency_rating',
        'Sở Nội vụ được đánh giá, xếp loại hoàn thành tốt nhiệm vụ trở lên',
        'rating', '{"subject": "agency"}', 'ge', '"HTTNV"'),
    (8, 'par_index_rank',
        'Giữ vững xếp hạng chỉ số Cải cách hành chính',
        'index_rank', '{"index": "par_index"}', 'le', NULL),
    (9, 'dti_rank',
        'Giữ vững xếp hạng chỉ số chuyển đổi số',
        'index_rank', '{"index": "dti"}', 'le', NULL),
    (10, 'party_union_rating',
        'Đảng bộ và các tổ chức đoàn thể của Sở được đánh giá, xếp loại hoàn thành tốt nhiệm vụ trở lên',
        'ratings_all', '{"kinds": ["party", "union"]}', 'ge', '"HTTNV"'),
    (11, 'security_standard',
        'Sở Nội vụ đạt chuẩn an toàn về an ninh, trật tự',
        'certification', '{"kind": "security_order"}', 'eq', 'true'),
    (12, 'good_learning_unit',
        'Được xếp loại Đơn vị học tập tốt năm 2025',
        'certification', '{"kind": "good_learning_unit"}', 'eq', 'true')
) AS v (position, code, name, metric, params, comparator, threshold)
WHERE a.code = 'SNV' AND a.kind = 'agency'
ORDER BY v.position;
