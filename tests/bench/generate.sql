-- One agency of :n staff for `make bench`, generated in SQL: units of
-- about 30 people (divisions, affiliated units, some nested, one dissolved
-- in the year), the Party committee and two unions, a 2025 campaign with
-- the targets of the plan, six required study topics (a session and a
-- make-up session each) and an optional one, realistic attendance, tasks,
-- titles, ratings, index ranks and certifications.
-- usage: psql -v n=30000 -v code=B30000 -f generate.sql
-- Bulk load: the per-row audit and the summary triggers are off while it
-- runs (the summary is rebuilt at the end, in the same transaction).
\set ON_ERROR_STOP 1
BEGIN;
ALTER TABLE staff DISABLE TRIGGER USER;
ALTER TABLE attendance DISABLE TRIGGER USER;
ALTER TABLE titles DISABLE TRIGGER USER;
ALTER TABLE tasks DISABLE TRIGGER USER;
ALTER TABLE ratings DISABLE TRIGGER USER;

SELECT greatest(2, ceil(:n / 30.0))::int AS nunits \gset
INSERT INTO units (agency_id, code, name, kind) VALUES (0, :'code', 'Sở thử tải ' || :'code', 'agency')
RETURNING id AS agency \gset

-- Two thirds of the units directly under the root, the rest one level down.
INSERT INTO units (agency_id, code, name, kind, parent_id, dissolved_on)
SELECT :agency, 'U' || g, 'Phòng ' || g, CASE WHEN g % 3 = 0 THEN 'affiliated' ELSE 'division' END, :agency,
       CASE WHEN g = 5 THEN date '2025-09-30' END
  FROM generate_series(1, (:nunits * 2 + 2) / 3) g;
INSERT INTO units (agency_id, code, name, kind, parent_id)
SELECT :agency, 'U' || g, 'Tổ ' || g, 'division',
       (SELECT id FROM units WHERE agency_id = :agency AND code = 'U' || (1 + g % ((:nunits * 2 + 2) / 3)))
  FROM generate_series((:nunits * 2 + 2) / 3 + 1, :nunits) g;
INSERT INTO units (agency_id, code, name, kind, parent_id) VALUES
    (:agency, 'DANG_UY', 'Đảng ủy', 'party', :agency),
    (:agency, 'CONG_DOAN', 'Công đoàn', 'union', :agency),
    (:agency, 'DOAN_TN', 'Đoàn Thanh niên', 'union', :agency);

-- Staff: spread over the units; 5 % joined during 2025, 3 % left during it.
-- staff_place is off: agency_id is given.
INSERT INTO staff (agency_id, unit_id, code, full_name, category, joined_on, left_on)
SELECT :agency, u.ids[1 + g % cardinality(u.ids)], 'S' || g,
       (ARRAY['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Hoàng', 'Phan', 'Vũ', 'Võ', 'Đặng'])[1 + g % 10] || ' ' ||
       (ARRAY['Văn', 'Thị', 'Minh', 'Ngọc', 'Thanh', 'Hữu'])[1 + (g / 10) % 6] || ' ' ||
       (ARRAY['An', 'Bình', 'Châu', 'Dũng', 'Hà', 'Hải', 'Hạnh', 'Hùng', 'Lan', 'Linh', 'Long', 'Mai', 'Nam',
              'Nga', 'Phúc', 'Quang', 'Sơn', 'Tâm', 'Thảo', 'Trang', 'Tuấn', 'Vy'])[1 + (g / 60) % 22],
       (ARRAY['cong_chuc', 'vien_chuc', 'nguoi_lao_dong'])[1 + g % 3],
       j.joined_on, CASE WHEN g % 33 = 4 THEN greatest(j.joined_on + 20, date '2025-02-01' + (g % 320)) END
  FROM generate_series(1, :n) g,
       LATERAL (SELECT CASE WHEN g % 20 = 7 THEN date '2025-01-01' + (g % 300)
                            ELSE date '2000-01-01' + (g % 9000) END AS joined_on) j,
       (SELECT array_agg(id ORDER BY id) AS ids FROM units
         WHERE agency_id = :agency AND kind IN ('division', 'affiliated')) u;

INSERT INTO campaigns (agency_id, year, code, name, theme, plan_number, starts_on, ends_on, closes_on)
VALUES (:agency, 2025, 'TD2025', 'Phong trào thi đua năm 2025', 'Đoàn kết, kỷ cương', '01/KH-TĐ',
        '2025-01-01', '2025-12-31', '2026-06-30')
RETURNING id AS campaign \gset

INSERT INTO targets (campaign_id, position, code, name, metric, params, comparator, threshold) VALUES
 (:campaign, 1, 'tasks_completed', 'Hoàn thành nhiệm vụ', 'task_completion', '{}', 'ge', '100'),
 (:campaign, 2, 'study_coverage', 'Học tập, quán triệt', 'study_coverage', '{}', 'gt', '98'),
 (:campaign, 3, 'units_advanced', 'Tập thể LĐTT', 'unit_title_share', '{"title":"TTLDTT"}', 'ge', '100'),
 (:campaign, 4, 'units_excellent', 'Tập thể LĐXS', 'unit_title_count', '{"title":"TTLDXS"}', 'ge', '2'),
 (:campaign, 5, 'staff_advanced', 'Lao động tiên tiến', 'staff_title_share', '{"title":"LDTT","base":"active_staff"}', 'ge', '80'),
 (:campaign, 6, 'staff_emulation_fighters', 'Chiến sĩ thi đua cơ sở', 'staff_title_share', '{"title":"CSTDCS","base":"LDTT"}', 'ge', '20'),
 (:campaign, 7, 'agency_rating', 'Xếp loại Sở', 'rating', '{"subject":"agency"}', 'ge', '"HTTNV"'),
 (:campaign, 8, 'par_index_rank', 'Chỉ số CCHC', 'index_rank', '{"index":"par_index"}', 'le', NULL),
 (:campaign, 9, 'dti_rank', 'Chỉ số chuyển đổi số', 'index_rank', '{"index":"dti"}', 'le', NULL),
 (:campaign, 10, 'party_union_rating', 'Đảng bộ, đoàn thể', 'ratings_all', '{"kinds":["party","union"]}', 'ge', '"HTTNV"'),
 (:campaign, 11, 'security_standard', 'An ninh trật tự', 'certification', '{"kind":"security_order"}', 'eq', 'true'),
 (:campaign, 12, 'good_learning_unit', 'Đơn vị học tập tốt', 'certification', '{"kind":"good_learning_unit"}', 'eq', 'true');

INSERT INTO study_topics (campaign_id, code, title, required)
SELECT :campaign, 'CD' || t, 'Chuyên đề ' || t, t <= 6 FROM generate_series(1, 7) t;
-- Topic t: a session on the 10th of month 2t-1, a make-up three weeks later.
INSERT INTO study_sessions (campaign_id, topic_id, held_on, title)
SELECT :campaign, st.id, make_date(2025, 2 * t - 1, 10) + m * 21, CASE WHEN m = 1 THEN 'Học bù' END
  FROM generate_series(1, 6) t JOIN study_topics st ON st.campaign_id = :campaign AND st.code = 'CD' || t,
       generate_series(0, 1) m;
INSERT INTO study_sessions (campaign_id, topic_id, held_on)
SELECT :campaign, id, '2025-06-20' FROM study_topics WHERE campaign_id = :campaign AND code = 'CD7';

-- Who was on the staff that day: 97 % at the session, 2 % at the make-up,
-- the rest not at all; half of them attend the optional topic.
INSERT INTO attendance (session_id, staff_id)
SELECT ss.id, s.id
  FROM study_sessions ss
  JOIN study_topics st ON st.id = ss.topic_id
  JOIN staff s ON s.agency_id = :agency AND s.joined_on <= ss.held_on AND (s.left_on IS NULL OR s.left_on > ss.held_on)
 WHERE ss.campaign_id = :campaign
   AND CASE WHEN NOT st.required THEN s.id % 2 = 0
            WHEN ss.title IS NULL THEN abs(hashint8(s.id * 7 + st.id)) % 100 < 97
            ELSE abs(hashint8(s.id * 7 + st.id)) % 100 IN (97, 98) END;

-- Eight tasks per unit, due at month ends; 92 % on time, 5 % late, the rest open.
INSERT INTO tasks (campaign_id, title, unit_id, due_on, completed_on)
SELECT :campaign, 'Nhiệm vụ ' || k, u.id, d.due,
       CASE WHEN (u.id + k) % 100 < 92 THEN d.due - ((u.id + k) % 10)::int
            WHEN (u.id + k) % 100 < 97 THEN d.due + 5 END
  FROM units u, generate_series(1, 8) k,
       LATERAL (SELECT (make_date(2025, 1 + (k * 3 + u.id::int) % 12, 1) + interval '1 month - 1 day')::date AS due) d
 WHERE u.agency_id = :agency AND u.kind IN ('division', 'affiliated');

-- Titles decided in January 2026: LDTT for 82 % of those on the staff at
-- the end of the year; CSTDCS for a fifth of those (a few without the
-- LDTT row), CSTD_TINH in March for a handful.
INSERT INTO titles (campaign_id, subject_type, staff_id, title, decision_no, decided_on)
SELECT :campaign, 'staff', s.id, 'LDTT', '15/QĐ-SNV', '2026-01-15'
  FROM staff s WHERE s.agency_id = :agency AND s.joined_on <= '2025-12-31' AND s.left_on IS NULL
   AND abs(hashint8(s.id)) % 100 < 82 AND s.id % 50 <> 3;
INSERT INTO titles (campaign_id, subject_type, staff_id, title, decision_no, decided_on)
SELECT :campaign, 'staff', s.id, 'CSTDCS', '16/QĐ-SNV', '2026-01-15'
  FROM staff s WHERE s.agency_id = :agency AND s.joined_on <= '2025-12-31' AND s.left_on IS NULL
   AND abs(hashint8(s.id)) % 100 < 82 AND abs(hashint8(s.id + 1)) % 100 < 20;
INSERT INTO titles (campaign_id, subject_type, staff_id, title, decision_no, decided_on)
SELECT :campaign, 'staff', s.id, 'CSTD_TINH', '40/QĐ-UBND', '2026-03-10'
  FROM staff s WHERE s.agency_id = :agency AND s.left_on IS NULL AND s.id % 997 = 1;
INSERT INTO titles (campaign_id, subject_type, unit_id, title, decision_no, decided_on)
SELECT :campaign, 'unit', u.id, CASE WHEN r <= 2 THEN 'TTLDXS' ELSE 'TTLDTT' END, '17/QĐ-SNV', '2026-01-16'
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS r FROM units
         WHERE agency_id = :agency AND kind IN ('division', 'affiliated') AND dissolved_on IS NULL) u
 WHERE u.r % 40 <> 7;

INSERT INTO ratings (campaign_id, subject_type, unit_id, level, decided_on, decision_no)
SELECT :campaign, 'unit', u.id,
       CASE WHEN u.kind = 'party' THEN 'HTXSNV' WHEN u.id % 11 = 0 THEN 'HTNV' ELSE 'HTTNV' END,
       '2026-01-20', '20/QĐ-UBND'
  FROM units u WHERE u.agency_id = :agency AND u.kind <> 'affiliated';
INSERT INTO index_ranks (agency_id, kind, year, score, rank, rank_total, published_on) VALUES
    (:agency, 'par_index', 2024, 88.5, 12, 30, '2025-04-10'),
    (:agency, 'par_index', 2025, 90.1, 10, 30, '2026-04-15'),
    (:agency, 'dti', 2024, 0.61, 20, 30, '2025-05-02');
INSERT INTO certifications (campaign_id, kind, achieved, decided_on, decision_no) VALUES
    (:campaign, 'security_order', true, '2025-12-20', '99/QĐ-CA'),
    (:campaign, 'good_learning_unit', false, '2025-11-01', '12/QĐ-HKH'),
    (:campaign, 'good_learning_unit', true, '2026-01-10', '3/QĐ-HKH');

ALTER TABLE staff ENABLE TRIGGER USER;
ALTER TABLE attendance ENABLE TRIGGER USER;
ALTER TABLE titles ENABLE TRIGGER USER;
ALTER TABLE tasks ENABLE TRIGGER USER;
ALTER TABLE ratings ENABLE TRIGGER USER;
SELECT scorecard_staff_rebuild(:campaign);
UPDATE campaigns SET data_version = data_version + 1 WHERE id = :campaign;
COMMIT;
ANALYZE;
SELECT :campaign AS campaign_id, :agency AS agency_id, (SELECT count(*) FROM staff WHERE agency_id = :agency) AS staff,
       (SELECT count(*) FROM attendance a JOIN study_sessions ss ON ss.id = a.session_id WHERE ss.campaign_id = :campaign) AS attendance;
