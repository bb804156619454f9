-- Hands a thidua database to its schema owner role: the database, the
-- schema public when an older PostgreSQL gave it to the superuser, and
-- every table, view, sequence, function, collation and type in it. Run by
-- a superuser, with psql:
--   psql -d thidua -v ON_ERROR_STOP=1 -v owner=thidua_owner -f sql/owner_handover.sql
-- For a database that another role migrated before migration 0007 (the
-- local stack's clusters, migrated by the bootstrap superuser). When the old
-- owner is an ordinary role, REASSIGN OWNED BY old TO thidua_owner does the
-- same in one statement; PostgreSQL refuses that for the bootstrap
-- superuser, which owns the system catalogs too.
-- Idempotent: what the owner has already is left alone, so deploy/stack.sh
-- runs it before every migrate. Indexes, and the sequences of serial and
-- identity columns, follow their table; what an extension created stays
-- the extension's.

SELECT set_config('thidua.handover_owner', :'owner', false) AS handover_owner \gset

DO $$
DECLARE
    new_owner regrole := current_setting('thidua.handover_owner')::regrole;
    stmt text;
BEGIN
    EXECUTE format('ALTER DATABASE %I OWNER TO %s', current_database(), new_owner);
    IF (SELECT nspowner FROM pg_namespace WHERE nspname = 'public')
       NOT IN (new_owner::oid, 'pg_database_owner'::regrole::oid) THEN
        EXECUTE format('ALTER SCHEMA public OWNER TO %s', new_owner);
    END IF;
    FOR stmt IN
        SELECT format('ALTER %s %s OWNER TO %s', o.kind, o.name, new_owner)
          FROM (SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                      WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'c' THEN 'TYPE' ELSE 'TABLE' END AS kind,
                       c.oid::regclass::text AS name, c.relowner AS owner, 'pg_class'::regclass AS cls, c.oid
                  FROM pg_class c
                 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'c')
                UNION ALL
                SELECT 'ROUTINE', p.oid::regprocedure::text, p.proowner, 'pg_proc'::regclass, p.oid
                  FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
                UNION ALL
                SELECT 'COLLATION', format('public.%I', l.collname), l.collowner, 'pg_collation'::regclass, l.oid
                  FROM pg_collation l WHERE l.collnamespace = 'public'::regnamespace
                UNION ALL
                SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype::text, t.typowner,
                       'pg_type'::regclass, t.oid
                  FROM pg_type t WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('d', 'e', 'r')) o
         WHERE o.owner <> new_owner::oid
           AND NOT EXISTS (SELECT 1 FROM pg_depend d
                            WHERE d.classid = o.cls AND d.objid = o.oid
                              AND (d.deptype = 'e' OR (o.kind = 'SEQUENCE' AND d.deptype IN ('a', 'i'))))
    LOOP
        EXECUTE stmt;
    END LOOP;
END $$;
