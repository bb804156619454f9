-- Users belong to an agency (api.md, "Agencies"): every read and write of
-- a user is confined to it. An admin without an agency is the
-- installation's admin, the only one above every agency.
--
-- Existing users: a unit_head takes the agency of its unit; the other
-- users of an installation that holds exactly one agency take that one.
-- Users left without an agency (several agencies, not a unit_head) see
-- nothing until an admin gives them one (`thidua user add NAME --role R
-- --agency CODE`), so the constraint is NOT VALID: it holds for every new
-- or changed row, and the rows from before are not rejected.
ALTER TABLE users ADD COLUMN agency_id bigint REFERENCES units (id);

UPDATE users u SET agency_id = un.agency_id FROM units un WHERE un.id = u.unit_id;
UPDATE users SET agency_id = (SELECT id FROM units WHERE kind = 'agency')
 WHERE agency_id IS NULL AND role <> 'admin' AND (SELECT count(*) FROM units WHERE kind = 'agency') = 1;

ALTER TABLE users ADD CONSTRAINT users_agency_required CHECK (role = 'admin' OR agency_id IS NOT NULL) NOT VALID;
-- A unit_head's unit is of its agency.
ALTER TABLE users ADD CONSTRAINT users_unit_in_agency FOREIGN KEY (unit_id, agency_id) REFERENCES units (id, agency_id);
