-- The awards round needs the demo's logins (sql/demo/users.txt), which
-- deploy/demo.sh makes between the base files and these: stop here, with
-- a message saying which, when one is missing or not what the round
-- expects (active, of the agency SNV, its role).

DO $$
DECLARE
    missing text;
BEGIN
    SELECT string_agg(v.username || ' (' || v.role || ')', ', ' ORDER BY v.username) INTO missing
    FROM (VALUES ('office', 'office'), ('vanphong', 'unit_head'), ('council', 'council'), ('council2', 'council'),
                 ('council3', 'council'), ('council4', 'council'), ('director', 'director')) AS v (username, role)
    WHERE NOT EXISTS (
        SELECT 1 FROM users u JOIN units a ON a.id = u.agency_id AND a.code = 'SNV' AND a.kind = 'agency'
        WHERE u.username = v.username AND u.role = v.role AND u.active);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'demo: the awards round needs the logins % of SNV (sql/demo/users.txt)', missing;
    END IF;
END $$;
