-- The awards round, part 3: the nominations of 2025 and the council
-- session that judged them, written the way the API would have written
-- them (each step by the user who takes it, so that the audit says who):
--
--   2025-12-15/16  the office and the unit head of VP propose eight
--                  nominations (below);
--   2025-12-22     the office plans the session of 2025-12-25: five members
--                  (council, council2, council3, council4, director) and
--                  the first seven nominations on the agenda;
--   2025-12-25     the director opens it with four members present
--                  (council4 absent; the quorum of 2/3 of 5 is 4); each of
--                  the four casts one ballot through council_cast_ballot()
--                  (the open votes by name, the secret ones as counters
--                  only); the director closes it: the results are tallied
--                  below from what the ballots recorded, as the close does.
--
--   pos  staff    award    vote    for/against/abstain  result
--   1    SNV0010  LDTT     open    4/0/0                recommended
--   2    SNV0048  LDTT     open    3/0/1                recommended (> 1/2 of 4 present: 3 needed)
--   3    SNV0053  LDTT     open    4/0/0                recommended
--   4    SNV0039  CSTDCS   secret  4/0/0                recommended (≥ 2/3 of 5 members: 4 needed)
--   5    SNV0120  CSTDCS   secret  4/0/0                recommended (its hold of 2025 was closed in May)
--   6    SNV0060  CSTDCS   secret  3/1/0                not_recommended (3 of the 4 needed)
--   7    SNV0006  BK_TINH  secret  4/0/0                recommended (proposed upward in part 4)
--   -    SNV0197  LDTT     -       -                    stays proposed: joined on 2025-08-01,
--                                                       not rated and 6 months short on 2025-12-31
--
-- Each of 1–7 is eligible on 2025-12-25 (the ratings of 2025-12-24 count):
-- LĐTT by its HTTNV rating and tenure, CSTĐCS 4–5 by HTXSNV, 6 by HTTNV
-- and its initiative of 2025-06-20, BK_TINH by HTXSNV in 2024 and 2025
-- and two initiatives since 2024 (part 1 and 08_awards_facts.sql).

CREATE OR REPLACE TEMP VIEW demo_td2025 AS
SELECT c.id, c.agency_id
FROM units a
JOIN campaigns c ON c.agency_id = a.id AND c.code = 'TD2025'
WHERE a.code = 'SNV' AND a.kind = 'agency';

CREATE OR REPLACE FUNCTION pg_temp.demo_user(p_username text) RETURNS bigint
    LANGUAGE sql STABLE
    RETURN (SELECT u.id FROM users u JOIN units a ON a.id = u.agency_id AND a.code = 'SNV' AND a.kind = 'agency'
            WHERE u.username = p_username);

-- ------------------------------------------------------------ nominations
SELECT set_config('thidua.user_id', pg_temp.demo_user('office')::text, true);

CREATE TEMP TABLE demo_nomination (pos int PRIMARY KEY, staff text, award text, id bigint) ON COMMIT DROP;

WITH v (pos, staff, award, reason, by, proposed_at) AS (VALUES
    (1, 'SNV0010', 'LDTT', 'Hoàn thành tốt nhiệm vụ; tham mưu kịp thời công tác văn thư, lưu trữ của Văn phòng.',
     'vanphong', TIMESTAMPTZ '2025-12-15 09:10+07'),
    (2, 'SNV0048', 'LDTT', 'Hoàn thành tốt nhiệm vụ thẩm định hồ sơ tổ chức bộ máy, biên chế.',
     'office', TIMESTAMPTZ '2025-12-15 10:05+07'),
    (3, 'SNV0053', 'LDTT', 'Hoàn thành tốt nhiệm vụ; giải quyết đúng hạn 100% hồ sơ được giao.',
     'office', TIMESTAMPTZ '2025-12-15 10:07+07'),
    (4, 'SNV0039', 'CSTDCS', 'Hoàn thành xuất sắc nhiệm vụ thanh tra công vụ năm 2025; hai năm liền Lao động tiên tiến.',
     'office', TIMESTAMPTZ '2025-12-16 08:40+07'),
    (5, 'SNV0120', 'CSTDCS', 'Hoàn thành xuất sắc nhiệm vụ; đơn khiếu nại liên quan đã được kết luận không vi phạm.',
     'office', TIMESTAMPTZ '2025-12-16 08:45+07'),
    (6, 'SNV0060', 'CSTDCS', 'Tác giả sáng kiến "Quy trình một cửa liên thông giải quyết thủ tục nâng lương".',
     'office', TIMESTAMPTZ '2025-12-16 08:50+07'),
    (7, 'SNV0006', 'BK_TINH', 'Hai năm liền hoàn thành xuất sắc nhiệm vụ; đồng tác giả hai sáng kiến (một cấp tỉnh).',
     'vanphong', TIMESTAMPTZ '2025-12-16 09:30+07'),
    (8, 'SNV0197', 'LDTT', 'Đề nghị của Phòng Cải cách hành chính cho công chức mới tiếp nhận.',
     'office', TIMESTAMPTZ '2025-12-16 14:20+07')),
ins AS (
    INSERT INTO nominations (campaign_id, subject_type, staff_id, award, reason, proposed_by, proposed_at)
    SELECT c.id, 'staff', s.id, v.award, v.reason, pg_temp.demo_user(v.by), v.proposed_at
    FROM v
    CROSS JOIN demo_td2025 c
    JOIN staff s ON s.agency_id = c.agency_id AND s.code = v.staff
    ORDER BY v.pos
    RETURNING id, staff_id, award)
INSERT INTO demo_nomination (pos, staff, award, id)
SELECT v.pos, v.staff, v.award, ins.id
FROM ins JOIN staff s ON s.id = ins.staff_id JOIN v ON v.staff = s.code AND v.award = ins.award;

-- ------------------------------------------------------------ the session, planned
INSERT INTO council_sessions (campaign_id, held_on, state, created_by, created_at)
SELECT c.id, DATE '2025-12-25', 'planned', pg_temp.demo_user('office'), TIMESTAMPTZ '2025-12-22 14:00+07'
FROM demo_td2025 c;

CREATE OR REPLACE TEMP VIEW demo_session AS
SELECT s.id FROM council_sessions s JOIN demo_td2025 c ON c.id = s.campaign_id WHERE s.held_on = DATE '2025-12-25';

INSERT INTO council_members (session_id, user_id)
SELECT s.id, pg_temp.demo_user(m.username)
FROM demo_session s
CROSS JOIN unnest(ARRAY['director', 'council', 'council2', 'council3', 'council4']) WITH ORDINALITY AS m (username, ord)
ORDER BY m.ord;

INSERT INTO council_agenda (session_id, nomination_id, position)
SELECT s.id, n.id, n.pos
FROM demo_session s CROSS JOIN demo_nomination n
WHERE n.pos <= 7
ORDER BY n.pos;

UPDATE nominations SET state = 'in_session' WHERE id IN (SELECT id FROM demo_nomination WHERE pos <= 7);

-- ------------------------------------------------------------ opened by the director
SELECT set_config('thidua.user_id', pg_temp.demo_user('director')::text, true);

UPDATE council_members m SET present = (u.username <> 'council4')
FROM users u
WHERE u.id = m.user_id AND m.session_id = (SELECT id FROM demo_session);

UPDATE council_sessions SET state = 'open', opened_at = TIMESTAMPTZ '2025-12-25 08:30+07'
WHERE id = (SELECT id FROM demo_session);

-- ------------------------------------------------------------ the ballots
-- One per member present, a vote for each agenda item in position order.
SELECT council_cast_ballot(s.id, pg_temp.demo_user(b.username),
           (SELECT jsonb_agg(jsonb_build_object('nomination_id', n.id, 'vote', b.votes[n.pos]) ORDER BY n.pos)
              FROM demo_nomination n WHERE n.pos <= 7))
FROM demo_session s
CROSS JOIN (VALUES
    (1, 'director', ARRAY['for', 'for', 'for', 'for', 'for', 'for', 'for']),
    (2, 'council',  ARRAY['for', 'for', 'for', 'for', 'for', 'for', 'for']),
    (3, 'council2', ARRAY['for', 'for', 'for', 'for', 'for', 'against', 'for']),
    (4, 'council3', ARRAY['for', 'abstain', 'for', 'for', 'for', 'for', 'for'])
) AS b (ord, username, votes)
ORDER BY b.ord;

-- ------------------------------------------------------------ closed by the director
UPDATE council_sessions SET state = 'closed', closed_at = TIMESTAMPTZ '2025-12-25 10:40+07'
WHERE id = (SELECT id FROM demo_session);

-- Each agenda item's result from what the ballots recorded: the open votes
-- by name, the secret counters through council_tally() (which answers now
-- that the session is closed). threshold: the award's pass rule with its
-- base counted ("present" or "members") and the least number of votes
-- "for" that passes, in integers: gt needs num * base / den + 1 (integer
-- division), ge its ceiling.
WITH s AS (SELECT id FROM demo_session),
m AS (SELECT count(*)::int AS members, count(*) FILTER (WHERE present)::int AS present
      FROM council_members WHERE session_id = (SELECT id FROM s)),
item AS (
    SELECT ag.nomination_id, ag.position, r.rules -> 'awards' -> n.award -> 'council' AS council
    FROM council_agenda ag
    JOIN nominations n ON n.id = ag.nomination_id
    JOIN campaign_award_rules r ON r.campaign_id = n.campaign_id
    WHERE ag.session_id = (SELECT id FROM s)),
open_count AS (
    SELECT nomination_id, count(*) FILTER (WHERE vote = 'for')::int AS f,
           count(*) FILTER (WHERE vote = 'against')::int AS a, count(*) FILTER (WHERE vote = 'abstain')::int AS ab
    FROM council_open_votes WHERE session_id = (SELECT id FROM s) GROUP BY nomination_id),
secret AS (SELECT * FROM council_tally((SELECT id FROM s))),
x AS (
    SELECT i.nomination_id, i.position, i.council ->> 'vote' AS kind,
           coalesce(CASE WHEN i.council ->> 'vote' = 'secret' THEN t.votes_for ELSE o.f END, 0) AS f,
           coalesce(CASE WHEN i.council ->> 'vote' = 'secret' THEN t.votes_against ELSE o.a END, 0) AS a,
           coalesce(CASE WHEN i.council ->> 'vote' = 'secret' THEN t.votes_abstain ELSE o.ab END, 0) AS ab,
           i.council #>> '{pass,op}' AS op, (i.council #>> '{pass,num}')::int AS num,
           (i.council #>> '{pass,den}')::int AS den, i.council #>> '{pass,base}' AS base,
           CASE WHEN i.council #>> '{pass,base}' = 'present' THEN m.present ELSE m.members END AS base_count,
           m.present
    FROM item i CROSS JOIN m
    LEFT JOIN open_count o ON o.nomination_id = i.nomination_id
    LEFT JOIN secret t ON t.nomination_id = i.nomination_id)
INSERT INTO council_results (session_id, nomination_id, vote_kind, votes_for, votes_against, votes_abstain, not_voted,
                             threshold, passed)
SELECT (SELECT id FROM s), x.nomination_id, x.kind, x.f, x.a, x.ab, x.present - x.f - x.a - x.ab,
       jsonb_build_object('op', x.op, 'num', x.num, 'den', x.den, 'base', x.base, 'base_count', x.base_count,
                          'needed', CASE WHEN x.op = 'gt' THEN x.num * x.base_count / x.den + 1
                                         ELSE (x.num * x.base_count + x.den - 1) / x.den END),
       CASE WHEN x.op = 'gt' THEN x.f * x.den > x.num * x.base_count ELSE x.f * x.den >= x.num * x.base_count END
FROM x
ORDER BY x.position;

UPDATE nominations n SET state = CASE WHEN r.passed THEN 'recommended' ELSE 'not_recommended' END
FROM council_results r
WHERE r.nomination_id = n.id AND r.session_id = (SELECT id FROM demo_session);
