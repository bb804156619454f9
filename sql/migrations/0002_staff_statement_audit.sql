-- Staff is audited per statement instead of per row: the same audit_log
-- rows (who, what, the row before and after, one per row written), but
-- written by one INSERT ... SELECT over the statement's transition tables.
-- A 100 000-row staff import spent about two thirds of its time in the
-- per-row trigger (a PL/pgSQL call and a single-row INSERT per staff
-- member); per statement that cost nearly vanishes.
--
-- audit_statement() serves any audited table with an "id" column; attach
-- it with the three triggers below (transition tables old_rows/new_rows).

CREATE FUNCTION audit_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit_log (user_id, action, entity, entity_id, before, after)
        SELECT thidua_actor(), 'insert', TG_TABLE_NAME, (x.a ->> 'id')::bigint, NULL, x.a
        FROM (SELECT to_jsonb(n) - 'password_hash' AS a FROM new_rows n) x;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Planned anew each time (EXECUTE): a plan cached for a one-row
        -- update would join 10 000 rows by nested loop.
        EXECUTE 'INSERT INTO audit_log (user_id, action, entity, entity_id, before, after)'
             || ' SELECT thidua_actor(), ''update'', $1, (x.a ->> ''id'')::bigint, x.b, x.a'
             || ' FROM (SELECT to_jsonb(o) - ''password_hash'' AS b, to_jsonb(n) - ''password_hash'' AS a'
             || '       FROM old_rows o JOIN new_rows n ON n.id = o.id) x'
             || ' WHERE x.a <> x.b' USING TG_TABLE_NAME;
    ELSE
        INSERT INTO audit_log (user_id, action, entity, entity_id, before, after)
        SELECT thidua_actor(), 'delete', TG_TABLE_NAME, (x.b ->> 'id')::bigint, x.b, NULL
        FROM (SELECT to_jsonb(o) - 'password_hash' AS b FROM old_rows o) x;
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER staff_audit ON staff;
CREATE TRIGGER staff_audit_insert AFTER INSERT ON staff REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_statement();
CREATE TRIGGER staff_audit_update AFTER UPDATE ON staff REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_statement();
CREATE TRIGGER staff_audit_delete AFTER DELETE ON staff REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_statement();
