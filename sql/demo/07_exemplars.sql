-- Demo data, part 7: two exemplary people (gương điển hình, người tốt việc
-- tốt) proposed by their units, one approved by the director and one
-- forwarded by the office and awaiting the director. Nothing is published:
-- publications are made by the application when the director approves.
-- The workflow history is in exemplar_events (user_id null: loaded data).

CREATE OR REPLACE TEMP VIEW demo_campaign AS
SELECT c.id, c.agency_id
FROM units a
JOIN campaigns c ON c.agency_id = a.id AND c.code = 'TD2025'
WHERE a.code = 'SNV' AND a.kind = 'agency';

-- An archivist of Trung tâm Lưu trữ lịch sử who became Chiến sĩ thi đua cơ
-- sở 2025 (the first such, by staff code): approved in February 2026.
INSERT INTO exemplars (campaign_id, unit_id, subject_type, staff_id, kind, title, achievements,
                       period_from, period_to, state, created_at)
SELECT c.id, s.unit_id, 'person', s.id, 'guong_dien_hinh',
       'Gương điển hình tiên tiến trong công tác số hóa tài liệu lưu trữ lịch sử',
       'Trực tiếp phụ trách tổ số hóa tài liệu của Trung tâm Lưu trữ lịch sử. Trong đợt 1 năm 2025 đã cùng tổ '
       'số hóa hơn 60.000 trang tài liệu thuộc phông Ủy ban nhân dân tỉnh, vượt 20% kế hoạch được giao; đề xuất '
       'quy trình kiểm tra chất lượng ảnh số trước khi đưa vào cơ sở dữ liệu, nhờ đó số trang phải quét lại giảm '
       'hơn một nửa. Tận tình hướng dẫn nghiệp vụ cho viên chức mới tiếp nhận sau khi sáp nhập Phòng Văn thư - '
       'Lưu trữ vào Trung tâm. Được công nhận danh hiệu "Chiến sĩ thi đua cơ sở" năm 2025.',
       DATE '2025-01-01', DATE '2025-12-31', 'approved', TIMESTAMPTZ '2026-01-26 09:00:00+07'
FROM demo_campaign c
JOIN staff s ON s.agency_id = c.agency_id
JOIN units u ON u.id = s.unit_id AND u.code = 'TTLT'
WHERE s.category = 'vien_chuc'
  AND EXISTS (SELECT 1 FROM titles t WHERE t.campaign_id = c.id AND t.staff_id = s.id AND t.title = 'CSTDCS')
ORDER BY s.code
LIMIT 1;

-- Someone of the office's service staff (người lao động) who returned a
-- lost wallet: forwarded by the office in October 2025, awaiting the director.
INSERT INTO exemplars (campaign_id, unit_id, subject_type, staff_id, kind, title, achievements,
                       period_from, period_to, state, created_at)
SELECT c.id, s.unit_id, 'person', s.id, 'nguoi_tot_viec_tot',
       'Nhặt được tài sản, trả lại người đánh rơi',
       'Ngày 14/10/2025, trên đường cùng đoàn công tác của Sở đi kiểm tra cơ sở, nhặt được một chiếc ví bên đường '
       'có 12.500.000 đồng cùng thẻ căn cước, giấy phép lái xe và thẻ ngân hàng. Đã chủ động báo cáo lãnh đạo Văn '
       'phòng, phối hợp với Công an xã tìm và trả lại đầy đủ tài sản cho người đánh rơi ngay trong ngày. Nhiều năm '
       'liền tham gia hiến máu tình nguyện (8 lần), luôn nhiệt tình giúp đỡ đồng nghiệp.',
       DATE '2025-10-14', DATE '2025-10-14', 'forwarded', TIMESTAMPTZ '2025-10-20 08:30:00+07'
FROM demo_campaign c
JOIN staff s ON s.agency_id = c.agency_id
JOIN units u ON u.id = s.unit_id AND u.code = 'VP'
WHERE s.category = 'nguoi_lao_dong' AND s.left_on IS NULL AND s.joined_on < DATE '2025-01-01'
ORDER BY s.code
LIMIT 1;

-- Their history: proposed by the unit, forwarded by the office, approved by
-- the director (the first one only).
INSERT INTO exemplar_events (exemplar_id, from_state, to_state, reason, at)
SELECT e.id, v.from_state, v.to_state, v.reason, v.at
FROM demo_campaign c
JOIN exemplars e ON e.campaign_id = c.id
JOIN (VALUES
    ('guong_dien_hinh',    NULL,        'proposed',  'Trung tâm Lưu trữ lịch sử đề xuất',
        TIMESTAMPTZ '2026-01-26 09:00:00+07'),
    ('guong_dien_hinh',    'proposed',  'forwarded', 'Văn phòng đã thẩm tra hồ sơ, đủ điều kiện trình Giám đốc Sở',
        TIMESTAMPTZ '2026-02-03 14:00:00+07'),
    ('guong_dien_hinh',    'forwarded', 'approved',  'Đồng ý biểu dương, tuyên truyền trên Cổng thông tin điện tử của Sở',
        TIMESTAMPTZ '2026-02-10 10:15:00+07'),
    ('nguoi_tot_viec_tot', NULL,        'proposed',  'Văn phòng Sở đề xuất',
        TIMESTAMPTZ '2025-10-20 08:30:00+07'),
    ('nguoi_tot_viec_tot', 'proposed',  'forwarded', 'Đã xác minh với Công an xã; trình Giám đốc Sở xem xét biểu dương',
        TIMESTAMPTZ '2025-10-28 16:00:00+07')
) AS v (kind, from_state, to_state, reason, at) ON v.kind = e.kind
ORDER BY v.at;
