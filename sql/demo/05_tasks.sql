-- Demo data, part 5: the work programme of 2025 (target tasks_completed).
--
-- 44 tasks of the department's units, due through the year. Most were done
-- on time; five were not:
--   due 2025-05-31, done 2025-06-12 (late; counts against the year from June)
--   due 2025-08-31, done 2025-10-10 (late; open at the end of September)
--   due 2025-11-30, done 2025-12-22 (late)
--   due 2025-12-31, done 2026-01-20 (late, after the year)
--   due 2025-12-31, not done
-- One task due in October was done early, in September. One task belongs to
-- Phòng Văn thư - Lưu trữ, done before the unit was merged.

INSERT INTO tasks (campaign_id, title, unit_id, due_on, completed_on)
SELECT c.id, v.title, u.id, v.due_on, v.completed_on
FROM units a
JOIN campaigns c ON c.agency_id = a.id AND c.code = 'TD2025'
CROSS JOIN (VALUES
    -- First quarter
    ('TTS',      'Ban hành Kế hoạch thanh tra, kiểm tra năm 2025',                                                          DATE '2025-01-15', DATE '2025-01-10'),
    ('VP',       'Tổ chức Hội nghị tổng kết công tác nội vụ năm 2024, triển khai nhiệm vụ năm 2025',                        DATE '2025-01-20', DATE '2025-01-16'),
    ('CCHC',     'Ban hành Kế hoạch cải cách hành chính năm 2025 của Sở',                                                   DATE '2025-01-31', DATE '2025-01-24'),
    ('TCBC',     'Tham mưu phương án sắp xếp, tinh gọn tổ chức bộ máy các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh',   DATE '2025-02-15', DATE '2025-02-12'),
    ('BTG',      'Tổng hợp tình hình hoạt động tôn giáo dịp Tết Nguyên đán Ất Tỵ năm 2025',                                 DATE '2025-02-20', DATE '2025-02-18'),
    ('VP',       'Xây dựng, ban hành Kế hoạch phát động phong trào thi đua năm 2025',                                       DATE '2025-02-28', DATE '2025-02-20'),
    ('BTDKT',    'Hướng dẫn công tác thi đua, khen thưởng năm 2025 cho các sở, ban, ngành, địa phương',                     DATE '2025-03-10', DATE '2025-03-05'),
    ('CCVC',     'Tiếp nhận, bố trí công chức, viên chức, người lao động sau khi hợp nhất Sở Nội vụ và Sở Lao động - Thương binh và Xã hội', DATE '2025-03-15', DATE '2025-03-14'),
    ('XDCQ',     'Tham mưu kiện toàn Ban Chỉ đạo công tác thanh niên tỉnh năm 2025',                                        DATE '2025-03-25', DATE '2025-03-20'),
    ('VTLT',     'Hướng dẫn nghiệp vụ văn thư, lưu trữ năm 2025 cho các cơ quan, tổ chức',                                  DATE '2025-03-31', DATE '2025-03-28'),
    -- Second quarter
    ('VP',       'Báo cáo công tác nội vụ quý I năm 2025',                                                                  DATE '2025-04-05', DATE '2025-04-03'),
    ('CCHC',     'Tự đánh giá, chấm điểm chỉ số cải cách hành chính năm 2024 của Sở',                                       DATE '2025-04-15', DATE '2025-04-10'),
    ('BTDKT-NV', 'Thẩm định hồ sơ khen thưởng thành tích kỷ niệm 50 năm Ngày giải phóng miền Nam, thống nhất đất nước',      DATE '2025-04-20', DATE '2025-04-18'),
    ('XDCQ',     'Thẩm định Đề án sắp xếp đơn vị hành chính cấp xã của tỉnh',                                               DATE '2025-04-30', DATE '2025-04-25'),
    ('BTG',      'Theo dõi, hướng dẫn hoạt động tôn giáo dịp Đại lễ Phật đản Phật lịch 2569',                               DATE '2025-05-20', DATE '2025-05-16'),
    ('TTS',      'Thanh tra công vụ việc chấp hành kỷ luật, kỷ cương hành chính tại một số cơ quan, đơn vị',                 DATE '2025-05-30', DATE '2025-05-28'),
    ('TCBC',     'Thẩm định đề án vị trí việc làm của các cơ quan, đơn vị sau sắp xếp',                                     DATE '2025-05-31', DATE '2025-06-12'),
    ('BTDKT',    'Tổng kết phong trào thi đua kỷ niệm 77 năm Ngày Chủ tịch Hồ Chí Minh ra Lời kêu gọi thi đua ái quốc',     DATE '2025-06-11', DATE '2025-06-10'),
    ('CCHC',     'Kiểm tra công tác cải cách hành chính tại các sở, ngành, địa phương (đợt 1)',                              DATE '2025-06-15', DATE '2025-06-10'),
    ('CCVC',     'Tổ chức xét tuyển viên chức năm 2025',                                                                    DATE '2025-06-30', DATE '2025-06-27'),
    ('TTLT',     'Chỉnh lý khoa học tài liệu phông Ủy ban nhân dân tỉnh giai đoạn 2010 - 2015',                             DATE '2025-06-30', DATE '2025-06-25'),
    -- Third quarter
    ('VP',       'Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2025',                                               DATE '2025-07-15', DATE '2025-07-11'),
    ('CCVC',     'Cập nhật cơ sở dữ liệu cán bộ, công chức, viên chức trên Cơ sở dữ liệu quốc gia',                         DATE '2025-07-31', DATE '2025-07-30'),
    ('BTDKT-NV', 'Thẩm định hồ sơ khen thưởng nhân kỷ niệm 80 năm Ngày thành lập ngành Nội vụ',                               DATE '2025-08-15', DATE '2025-08-12'),
    ('VP',       'Tổ chức kỷ niệm 80 năm Ngày thành lập ngành Nội vụ (28/8/1945 - 28/8/2025)',                              DATE '2025-08-28', DATE '2025-08-28'),
    ('BTG',      'Khảo sát, nắm tình hình hoạt động của các cơ sở tôn giáo trên địa bàn tỉnh',                              DATE '2025-08-30', DATE '2025-08-29'),
    ('TTLT',     'Triển lãm tài liệu lưu trữ chào mừng 80 năm Cách mạng tháng Tám và Quốc khánh 2/9',                       DATE '2025-08-30', DATE '2025-08-27'),
    ('TCBC',     'Thẩm định phương án sắp xếp các đơn vị sự nghiệp công lập thuộc tỉnh',                                    DATE '2025-08-31', DATE '2025-10-10'),
    ('XDCQ',     'Báo cáo kết quả thực hiện Luật Thanh niên và Chiến lược phát triển thanh niên năm 2025',                  DATE '2025-09-15', DATE '2025-09-12'),
    ('TTS',      'Tiếp công dân, giải quyết khiếu nại, tố cáo 9 tháng năm 2025',                                            DATE '2025-09-20', DATE '2025-09-18'),
    ('CCHC',     'Điều tra xã hội học đo lường sự hài lòng của người dân, tổ chức năm 2025',                                DATE '2025-09-30', DATE '2025-09-29'),
    ('TTLT',     'Số hóa tài liệu lưu trữ lịch sử năm 2025 (đợt 1)',                                                        DATE '2025-09-30', DATE '2025-09-26'),
    -- Fourth quarter
    ('VP',       'Báo cáo công tác nội vụ 9 tháng đầu năm 2025',                                                            DATE '2025-10-05', DATE '2025-10-03'),
    ('CCHC',     'Kiểm tra công tác cải cách hành chính tại các sở, ngành, địa phương (đợt 2)',                              DATE '2025-10-31', DATE '2025-09-20'),
    ('BTDKT',    'Hướng dẫn bình xét thi đua, khen thưởng cuối năm 2025',                                                   DATE '2025-11-15', DATE '2025-11-12'),
    ('TTS',      'Thanh tra chuyên đề việc tuyển dụng, sử dụng viên chức tại các đơn vị sự nghiệp công lập',                DATE '2025-11-28', DATE '2025-11-25'),
    ('TCBC',     'Thẩm định, giao biên chế công chức và số lượng người làm việc năm 2026',                                  DATE '2025-11-30', DATE '2025-12-22'),
    ('BTG',      'Báo cáo tổng kết công tác tôn giáo năm 2025',                                                             DATE '2025-12-10', DATE '2025-12-08'),
    ('CCVC',     'Tổ chức đánh giá, xếp loại chất lượng công chức, viên chức năm 2025',                                     DATE '2025-12-15', DATE '2025-12-12'),
    ('CCHC',     'Báo cáo công tác cải cách hành chính năm 2025',                                                           DATE '2025-12-15', DATE '2025-12-11'),
    ('XDCQ',     'Tổng kết công tác thanh niên năm 2025',                                                                   DATE '2025-12-20', DATE '2025-12-18'),
    ('VP',       'Xây dựng báo cáo tổng kết phong trào thi đua năm 2025',                                                   DATE '2025-12-25', DATE '2025-12-24'),
    ('BTDKT-NV', 'Thẩm định hồ sơ đề nghị khen thưởng tổng kết năm 2025',                                                   DATE '2025-12-31', DATE '2026-01-20'),
    ('TTLT',     'Số hóa tài liệu lưu trữ lịch sử năm 2025 (đợt 2)',                                                        DATE '2025-12-31', NULL::date)
) AS v (unit_code, title, due_on, completed_on)
JOIN units u ON u.agency_id = a.id AND u.code = v.unit_code
WHERE a.code = 'SNV' AND a.kind = 'agency'
ORDER BY v.due_on, v.unit_code;
