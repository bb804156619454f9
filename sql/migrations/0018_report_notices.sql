-- 0018_report_notices.sql — the office and the director are told when a
-- schedule makes a report's draft and when that report becomes late
-- (reports.md "Schedules": "an e-mail, and on the dashboard"), and the
-- delivery attempts keep one that was cut short.
--
-- users.email: where a user is told (`thidua user add --email`, `thidua
-- user set-email`); NULL: not told by e-mail (the dashboard still shows it).
-- report_notices: the outbox of those e-mails, queued by `thidua report run`
-- in the transaction that makes the draft (or finds it late), drained by
-- `thidua report deliver` through the same SMTP code as the reports.
-- report_schedules.late_noticed: a late report is told once.
-- report_delivery_attempts: an attempt is written when it starts (ended_at
-- NULL while it runs); one whose deliverer died is marked interrupted when
-- its lease has run out and the delivery is claimed again.

-- A plain address: no spaces, quotes, angle brackets, commas or controls
-- (it goes into an SMTP envelope and a To: header), one @, a dotted domain.
ALTER TABLE users ADD COLUMN email text
    CONSTRAINT users_email_shape CHECK (email IS NULL OR (length(email) <= 254
        AND email ~ '^[A-Za-z0-9.!#$%&''*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$'));

ALTER TABLE report_schedules ADD COLUMN late_noticed boolean NOT NULL DEFAULT false;

CREATE TABLE report_notices (
    id              bigserial PRIMARY KEY,
    report_id       bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- drafted: the schedule made the draft; late: due_on passed, not approved
    event           text NOT NULL CHECK (event IN ('drafted', 'late')),
    -- the address when it was queued: every attempt goes to the same one
    address         text NOT NULL,
    state           text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    leased_until    timestamptz,
    lease_token     text,
    last_status     int,
    last_error      text,
    message_id      text,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT report_notices_key UNIQUE (report_id, user_id, event),
    CONSTRAINT report_notices_lease CHECK ((state = 'sending') = (leased_until IS NOT NULL))
);
CREATE INDEX report_notices_due_idx ON report_notices (next_attempt_at) WHERE state IN ('queued', 'sending');
CREATE TRIGGER report_notices_audit AFTER INSERT OR DELETE ON report_notices
    FOR EACH ROW EXECUTE FUNCTION audit_row();

ALTER TABLE report_delivery_attempts ADD COLUMN ended_at timestamptz;
ALTER TABLE report_delivery_attempts ADD COLUMN lease_token text;
ALTER TABLE report_delivery_attempts ADD COLUMN interrupted boolean NOT NULL DEFAULT false;
-- Attempts recorded before this migration were written when they ended.
UPDATE report_delivery_attempts SET ended_at = at;
CREATE INDEX report_delivery_attempts_open_idx ON report_delivery_attempts (delivery_id) WHERE ended_at IS NULL;
