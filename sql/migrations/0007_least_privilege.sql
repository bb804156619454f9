-- Least privilege. The schema belongs to the role that runs `thidua
-- migrate` (database_owner_url: thidua_owner in the local stack and in
-- deploy/README-production.md). The application (serve, push, user)
-- connects as thidua_app, which owns nothing: it reads and writes the data
-- tables, may only append to audit_log, and can neither alter, drop or
-- disown a table nor switch a trigger off. Role attributes (LOGIN,
-- passwords, NOSUPERUSER) are the cluster administrator's: deploy/stack.sh
-- and the production guide create both roles before migrating; this
-- migration checks them.
--
-- What thidua_app holds after this migration, and nothing more:
--   every table: SELECT, INSERT, UPDATE, DELETE (never TRUNCATE,
--     REFERENCES or TRIGGER), except
--   audit_log: INSERT only (the audit triggers run as the writer, below);
--   schema_migrations: nothing (only migrate reads it);
--   every sequence: USAGE (nextval for the serial columns; not setval);
--   functions: EXECUTE, as PostgreSQL gives every role. Every function
--     here is SECURITY INVOKER, so calling one grants nothing the caller
--     lacks, and a trigger function cannot be called at all outside its
--     trigger. A SECURITY DEFINER function must revoke EXECUTE from PUBLIC
--     and grant it by name.
--   schema public: USAGE, not CREATE; the database: CONNECT and TEMPORARY
--     (the staff import loads into a temporary table) as for every role.
--
-- Why the audit triggers run as the writer (an INSERT grant) rather than as
-- the owner (SECURITY DEFINER): what the database can promise is that what
-- was written stays written. Who acted is the application's word anyway
-- (thidua.user_id, see thidua_actor), so a definer function would not make
-- a row more true; it would cost a role and setting switch per audited row
-- and be one more function to pin against search_path tricks. What does
-- need pinning is the table the triggers write to: a session's temporary
-- tables come first in name lookup, so a session that made a temporary
-- audit_log would have its audit rows land there. The two audit functions
-- are therefore replaced below, unchanged but for the qualified name
-- public.audit_log (and pg_catalog.jsonb for their variables).
--
-- Later migrations: tables and sequences that the owner creates get the
-- same grants by default (ALTER DEFAULT PRIVILEGES below), functions
-- PostgreSQL's EXECUTE for every role; a table the application must not
-- change freely revokes in its own migration, as audit_log does here. See
-- sql/migrations/README.md.
--
-- A database whose objects another role created (the local stack's, before
-- this migration: the cluster's superuser) is handed over first by
-- sql/owner_handover.sql, run by a superuser; this migration refuses to run
-- until then.

DO $$
DECLARE
    app pg_roles%ROWTYPE;
    stray text;
BEGIN
    SELECT * INTO app FROM pg_roles WHERE rolname = 'thidua_app';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'role thidua_app does not exist: a superuser creates it first'
                        ' (CREATE ROLE thidua_app LOGIN; deploy/README-production.md, section 4)';
    END IF;
    IF app.rolsuper OR app.rolcreaterole OR app.rolcreatedb OR app.rolbypassrls OR app.rolreplication THEN
        RAISE EXCEPTION 'thidua_app must be NOSUPERUSER NOCREATEROLE NOCREATEDB NOBYPASSRLS NOREPLICATION';
    END IF;
    IF current_user = 'thidua_app' OR pg_has_role('thidua_app', current_user, 'MEMBER') THEN
        RAISE EXCEPTION 'migrations run as the schema owner (database_owner_url), which thidua_app'
                        ' must neither be nor be a member of';
    END IF;
    SELECT count(*) || ' objects, such as ' || min(what || ' of ' || owner::regrole::text) INTO stray
      FROM (SELECT c.oid::regclass::text AS what, c.relowner AS owner, c.oid, 'pg_class'::regclass AS cls
              FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
            UNION ALL
            SELECT p.oid::regprocedure::text, p.proowner, p.oid, 'pg_proc'::regclass
              FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace) o
     WHERE o.owner <> current_user::regrole::oid
       AND NOT EXISTS (SELECT 1 FROM pg_depend d
                        WHERE d.classid = o.cls AND d.objid = o.oid AND d.deptype = 'e')
    HAVING count(*) > 0;
    IF stray IS NOT NULL THEN
        RAISE EXCEPTION 'a superuser must first hand schema public to %: psql -d % -v owner=% -f sql/owner_handover.sql'
                        ' (% belong to another role)', current_user, current_database(), current_user, stray;
    END IF;
END $$;

-- PostgreSQL 15 gives PUBLIC no CREATE on schema public; older ones did.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO thidua_app;

-- From nothing, so that the end state is exactly this whatever was granted before.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM thidua_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM thidua_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO thidua_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO thidua_app;
REVOKE ALL ON schema_migrations FROM thidua_app;
REVOKE ALL ON audit_log FROM thidua_app;
GRANT INSERT ON audit_log TO thidua_app;

ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO thidua_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO thidua_app;

-- The audit functions of 0002 and 0004, writing to public.audit_log by its
-- full name (see above).
CREATE OR REPLACE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    b pg_catalog.jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) - 'password_hash' END;
    a pg_catalog.jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) - 'password_hash' END;
BEGIN
    IF TG_OP = 'UPDATE' AND a - 'data_version' = b - 'data_version' THEN
        RETURN NULL;
    END IF;
    INSERT INTO public.audit_log (user_id, action, entity, entity_id, before, after)
    VALUES (thidua_actor(), lower(TG_OP), TG_TABLE_NAME, (coalesce(a, b) ->> 'id')::bigint, b, a);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION audit_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO public.audit_log (user_id, action, entity, entity_id, before, after)
        SELECT thidua_actor(), 'insert', TG_TABLE_NAME, (x.a ->> 'id')::bigint, NULL, x.a
        FROM (SELECT to_jsonb(n) - 'password_hash' AS a FROM new_rows n) x;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Planned anew each time (EXECUTE): a plan cached for a one-row
        -- update would join 10 000 rows by nested loop.
        EXECUTE 'INSERT INTO public.audit_log (user_id, action, entity, entity_id, before, after)'
             || ' SELECT thidua_actor(), ''update'', $1, (x.a ->> ''id'')::bigint, x.b, x.a'
             || ' FROM (SELECT to_jsonb(o) - ''password_hash'' AS b, to_jsonb(n) - ''password_hash'' AS a'
             || '       FROM old_rows o JOIN new_rows n ON n.id = o.id) x'
             || ' WHERE x.a <> x.b' USING TG_TABLE_NAME;
    ELSE
        INSERT INTO public.audit_log (user_id, action, entity, entity_id, before, after)
        SELECT thidua_actor(), 'delete', TG_TABLE_NAME, (x.b ->> 'id')::bigint, x.b, NULL
        FROM (SELECT to_jsonb(o) - 'password_hash' AS b FROM old_rows o) x;
    END IF;
    RETURN NULL;
END $$;

-- What the application must never hold, checked once it is all in place.
DO $$
BEGIN
    IF has_schema_privilege('thidua_app', 'public', 'CREATE')
       OR has_database_privilege('thidua_app', current_database(), 'CREATE')
       OR has_table_privilege('thidua_app', 'audit_log', 'SELECT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') THEN
        RAISE EXCEPTION 'thidua_app can still create objects or do more than append to audit_log:'
                        ' revoke CREATE on the database and on schema public from it and from PUBLIC';
    END IF;
END $$;
