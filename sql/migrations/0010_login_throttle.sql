-- Sessions (issue 10, item 5): logins are throttled per username, and a
-- user's sessions end when what they were opened for changes.
--
-- login_throttle: the recent failed logins of a username as given at login
-- (fcgi/api/sessions.c), whether an account has it or not, so that a name
-- that is no account fails and locks exactly like one that is (a locked
-- name answers 429 either way). login_failure() counts a failure: after
-- p_max failures within p_window seconds the name is locked for p_lockout
-- seconds, doubled for each lockout in a row (lockouts), never more than
-- p_lockout_max. A successful login deletes the row; so does
-- `thidua user unlock` (an admin lifting a lockout) and `thidua user add`
-- (a new password).
--
-- The table stays bounded: a row is deleted once its window and its lock
-- are over and no failure came for a window after the lock (forget_at),
-- at each failure. It holds at most one row per name that failed within
-- the last window, or was locked within the last lockout and window. Each
-- failure costs the server one Argon2id hash (a known name or not), so a
-- spray of names from many addresses grows it no faster than the workers
-- can hash, and nginx also limits logins per address.
CREATE TABLE login_throttle (
    username     text PRIMARY KEY CHECK (char_length(username) BETWEEN 1 AND 64),
    failures     integer NOT NULL CHECK (failures >= 0),  -- since window_ends - window, or since the last lock
    window_ends  timestamptz NOT NULL,
    locked_until timestamptz,
    lockouts     integer NOT NULL DEFAULT 0 CHECK (lockouts >= 0),  -- in a row: each one doubles the next
    forget_at    timestamptz NOT NULL
);
CREATE INDEX login_throttle_forget_idx ON login_throttle (forget_at);

-- Counts one failed login of p_username; returns the seconds of the
-- lockout it started, or 0. A name already locked is not counted (the
-- caller does not try it). Runs as the caller (thidua_app may read and
-- write login_throttle), tables named with their schema.
CREATE FUNCTION login_failure(p_username text, p_max integer, p_window integer, p_lockout integer,
                              p_lockout_max integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    win constant interval := make_interval(secs => p_window);
    r public.login_throttle;
    seconds integer := 0;
BEGIN
    DELETE FROM public.login_throttle WHERE forget_at < now();
    INSERT INTO public.login_throttle AS t (username, failures, window_ends, forget_at)
    VALUES (p_username, 1, now() + win, now() + win)
    ON CONFLICT (username) DO UPDATE SET
        failures = CASE WHEN t.window_ends > now() THEN t.failures + 1 ELSE 1 END,
        window_ends = CASE WHEN t.window_ends > now() THEN t.window_ends ELSE now() + win END,
        forget_at = greatest(CASE WHEN t.window_ends > now() THEN t.window_ends ELSE now() + win END,
                             t.locked_until + win)
    RETURNING * INTO r;
    IF r.failures >= p_max THEN
        seconds := least(p_lockout_max::bigint, p_lockout::bigint << least(r.lockouts, 30))::integer;
        UPDATE public.login_throttle
           SET failures = 0, lockouts = lockouts + 1,
               locked_until = now() + make_interval(secs => seconds),
               forget_at = greatest(window_ends, now() + make_interval(secs => seconds) + win)
         WHERE username = p_username;
    END IF;
    RETURN seconds;
END
$$;

-- The session audit (0008) also records lockouts ('lockout': entity_id the
-- account or NULL, after {username, address, seconds}) and their lifting
-- ('unlock', by `thidua user unlock`: user_id NULL, after {username}).
-- A login to a locked name is a 'login_failed' with reason 'locked'.
ALTER TABLE audit_log
    DROP CONSTRAINT audit_log_action_check,
    ADD CONSTRAINT audit_log_action_check
        CHECK (action IN ('insert', 'update', 'delete', 'login', 'login_failed', 'logout', 'lockout', 'unlock'));

-- A session ends when its user changes: a new password (every
-- `thidua user add` of an existing user sets one), another role, unit or
-- agency, or the account deactivated. In the transaction of the change,
-- whoever makes it.
CREATE FUNCTION users_end_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM public.sessions WHERE user_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_end_sessions AFTER UPDATE ON users FOR EACH ROW
    WHEN (OLD.password_hash IS DISTINCT FROM NEW.password_hash OR OLD.role IS DISTINCT FROM NEW.role
          OR OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.agency_id IS DISTINCT FROM NEW.agency_id
          OR (OLD.active AND NOT NEW.active))
    EXECUTE FUNCTION users_end_sessions();
