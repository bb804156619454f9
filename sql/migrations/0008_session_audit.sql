-- Logins, failed logins and logouts go to the audit log (fcgi/api/sessions.c),
-- written by the application beside the session they open or close; a
-- failed login in a transaction of its own, since its request answers 401.
-- The row: entity 'users', entity_id the account (NULL when no active user
-- has the name given), user_id the person who acted (NULL for a failed
-- login: nobody was authenticated), after {username (as given), address
-- (the client's), reason (failed logins: unknown_user or wrong_password)}.
-- Never a password.

ALTER TABLE audit_log
    DROP CONSTRAINT audit_log_action_check,
    ADD CONSTRAINT audit_log_action_check
        CHECK (action IN ('insert', 'update', 'delete', 'login', 'login_failed', 'logout'));
