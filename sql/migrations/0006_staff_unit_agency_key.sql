-- A staff member's unit and agency, checked by one composite foreign key
-- instead of two foreign keys and a per-row trigger on every insert.
--
-- A 100 000-row staff import spent about 0.85 s in each of the two foreign
-- key checks (staff -> units by unit_id, staff -> units by agency_id) and
-- about 1 s in the PL/pgSQL trigger that looked up the unit's agency.
-- Now: (unit_id, agency_id) must be a unit of that agency (one check), and
-- the trigger only runs where the writer did not give the agency (single
-- rows from the API, the demo) or moves someone to another unit.

ALTER TABLE units ADD CONSTRAINT units_id_agency_key UNIQUE (id, agency_id);

ALTER TABLE staff
    ADD CONSTRAINT staff_unit_agency_fkey FOREIGN KEY (unit_id, agency_id) REFERENCES units (id, agency_id),
    DROP CONSTRAINT staff_unit_id_fkey,
    DROP CONSTRAINT staff_agency_id_fkey;

DROP TRIGGER staff_place ON staff;
CREATE TRIGGER staff_place_insert BEFORE INSERT ON staff
    FOR EACH ROW WHEN (coalesce(NEW.agency_id, 0) = 0) EXECUTE FUNCTION staff_place();
CREATE TRIGGER staff_place_move BEFORE UPDATE OF unit_id ON staff
    FOR EACH ROW WHEN (NEW.unit_id IS DISTINCT FROM OLD.unit_id) EXECUTE FUNCTION staff_place();
