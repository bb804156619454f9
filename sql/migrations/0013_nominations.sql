-- 0013_nominations.sql — nominations as awards.md draws their way:
-- proposed → in_session → recommended / not_recommended → decided (or
-- proposed_upward → granted / refused), and withdrawn from proposed. The
-- table of 0001 had a first guess at the states; its rows (none are made
-- by any route before this one) take the nearest new state.
--
-- One open nomination per campaign, subject and award: a partial unique
-- index, so that two proposals at once cannot both pass (open: any state
-- but withdrawn, not_recommended and refused).

ALTER TABLE nominations DROP CONSTRAINT nominations_state_check;
UPDATE nominations SET state = CASE state WHEN 'voting' THEN 'in_session' WHEN 'approved' THEN 'decided'
                                          WHEN 'rejected' THEN 'not_recommended' ELSE state END;
ALTER TABLE nominations ADD CONSTRAINT nominations_state_check
    CHECK (state IN ('proposed', 'in_session', 'recommended', 'not_recommended', 'decided', 'proposed_upward',
                     'granted', 'refused', 'withdrawn'));
ALTER TABLE nominations ADD CONSTRAINT nominations_award_check CHECK (award ~ '^[A-Za-z0-9_]{1,60}$');
ALTER TABLE nominations ADD CONSTRAINT nominations_reason_check CHECK (reason IS NULL OR length(reason) <= 4000);

CREATE UNIQUE INDEX nominations_open_staff_key ON nominations (campaign_id, staff_id, award)
    WHERE staff_id IS NOT NULL AND state NOT IN ('withdrawn', 'not_recommended', 'refused');
CREATE UNIQUE INDEX nominations_open_unit_key ON nominations (campaign_id, unit_id, award)
    WHERE unit_id IS NOT NULL AND state NOT IN ('withdrawn', 'not_recommended', 'refused');
CREATE INDEX nominations_campaign_idx ON nominations (campaign_id, id);
