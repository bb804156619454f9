-- 0017_read_your_writes.sql — read replicas with read-your-writes
-- (fcgi/dbroute.h). After each successful write of a session (its login
-- included), the server stores the primary's WAL insert position here; a
-- read of that session goes to a streaming replica only when the
-- replica's pg_last_wal_replay_lsn() is at or past it. '0/0': no write
-- yet (a session from before this migration: any replica will do, as it
-- already replays past the session's own row, or the primary answers).
ALTER TABLE sessions ADD COLUMN write_lsn pg_lsn NOT NULL DEFAULT '0/0';
