-- 0012_rule_sets.sql — rule sets as data (awards.md "What the law says, as
-- data"): each rule set has a code, a name, its legal basis as text, the
-- day it takes effect and, for each award, its criteria (codes of
-- fcgi/awards.h with their parameters) and council rule. A campaign copies
-- the rule set in force on its ends_on (the latest effective_from on or
-- before it) when it is created; later edits of a rule set never change
-- that copy. An admin adjusts the copy through
-- PATCH /campaigns/{id}/award-rules.
--
-- Legal basis of luat-2022, as awards.md names it: Luật Thi đua, khen
-- thưởng 2022 (số 06/2022/QH15, in force 2024-01-01), Nghị định
-- 98/2023/NĐ-CP, Thông tư 01/2024/TT-BNV. Not confirmed from the spec: the
-- article numbers behind each criterion and council threshold (awards.md
-- gives the rules, not the articles), the full title of the Nghị định and
-- of the Thông tư as quoted in `basis`, and the date each was signed; the
-- basis text below says only what awards.md says.

CREATE TABLE rule_sets (
    id             bigserial PRIMARY KEY,
    code           text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_.-]{1,60}$'),
    name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 300),
    basis          text NOT NULL CHECK (length(btrim(basis)) BETWEEN 1 AND 5000),
    effective_from date NOT NULL,
    awards         jsonb NOT NULL CHECK (jsonb_typeof(awards) = 'object'),
    quorum         jsonb NOT NULL DEFAULT '{"num":2,"den":3}' CHECK (jsonb_typeof(quorum) = 'object'),
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rule_sets_effective ON rule_sets (effective_from DESC, id DESC);

-- A campaign's copy. rule_set_code is the code as it was copied (no
-- foreign key: the copy outlives what it was copied from).
CREATE TABLE campaign_award_rules (
    campaign_id   bigint PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE,
    rule_set_code text NOT NULL,
    rules         jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'object'),
    copied_at     timestamptz NOT NULL DEFAULT now()
);

-- audit_row() takes the row's "id"; campaign_award_rules' id is its
-- campaign_id, so it gets a row trigger of its own that says so.
CREATE FUNCTION campaign_award_rules_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    b jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
    a jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
BEGIN
    INSERT INTO public.audit_log (user_id, action, entity, entity_id, before, after)
    VALUES (thidua_actor(), lower(TG_OP), TG_TABLE_NAME, (coalesce(a, b) ->> 'campaign_id')::bigint, b, a);
    RETURN NULL;
END $$;

CREATE TRIGGER rule_sets_audit AFTER INSERT OR UPDATE OR DELETE ON rule_sets
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER campaign_award_rules_audit AFTER INSERT OR UPDATE OR DELETE ON campaign_award_rules
    FOR EACH ROW EXECUTE FUNCTION campaign_award_rules_audit();

-- The rule set in force on a day, as the copy a campaign keeps.
CREATE FUNCTION rule_set_copy(day date) RETURNS TABLE (code text, rules jsonb) LANGUAGE sql STABLE AS $$
    SELECT r.code, jsonb_build_object('awards', r.awards, 'quorum', r.quorum)
      FROM public.rule_sets r
     WHERE r.effective_from <= day
     ORDER BY r.effective_from DESC, r.id DESC
     LIMIT 1
$$;

CREATE FUNCTION campaigns_copy_rule_set() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.campaign_award_rules (campaign_id, rule_set_code, rules)
    SELECT NEW.id, c.code, c.rules FROM public.rule_set_copy(NEW.ends_on) c;
    RETURN NULL;
END $$;
CREATE TRIGGER campaigns_copy_rule_set AFTER INSERT ON campaigns
    FOR EACH ROW EXECUTE FUNCTION campaigns_copy_rule_set();

INSERT INTO rule_sets (code, name, basis, effective_from, awards) VALUES (
 'luat-2022',
 'Luật Thi đua, khen thưởng 2022',
 'Luật Thi đua, khen thưởng 2022 (số 06/2022/QH15, có hiệu lực từ 01/01/2024); Nghị định 98/2023/NĐ-CP; Thông tư 01/2024/TT-BNV.',
 '2024-01-01',
 '{
  "LDTT": {"subject": "staff",
   "criteria": [{"code": "rating_at_least", "params": {"level": "HTTNV"}},
                {"code": "tenure_months", "params": {"months": 6}},
                {"code": "no_hold", "params": {}}],
   "council": {"vote": "open", "pass": {"op": "gt", "num": 1, "den": 2, "base": "present"}, "upward": false, "public_notice_days": 0}},
  "CSTDCS": {"subject": "staff",
   "criteria": [{"code": "rating_at_least", "params": {"level": "HTTNV"}},
                {"code": "tenure_months", "params": {"months": 6}},
                {"code": "no_hold", "params": {}},
                {"code": "any_of", "any_of": [{"code": "rating_at_least", "params": {"level": "HTXSNV"}},
                                              {"code": "initiative", "params": {"count": 1}}]}],
   "council": {"vote": "secret", "pass": {"op": "ge", "num": 2, "den": 3, "base": "members"}, "upward": false, "public_notice_days": 0}},
  "TTLDTT": {"subject": "unit",
   "criteria": [{"code": "unit_rating_at_least", "params": {"level": "HTTNV"}},
                {"code": "members_title_share", "params": {"title": "LDTT", "op": "gt", "percent": 50}},
                {"code": "no_hold", "params": {}}],
   "council": {"vote": "open", "pass": {"op": "gt", "num": 1, "den": 2, "base": "present"}, "upward": false, "public_notice_days": 0}},
  "TTLDXS": {"subject": "unit",
   "criteria": [{"code": "unit_rating_at_least", "params": {"level": "HTXSNV"}},
                {"code": "members_rating_share", "params": {"level": "HTNV", "op": "ge", "percent": 100}},
                {"code": "members_title_share", "params": {"title": "LDTT", "op": "ge", "percent": 70}},
                {"code": "members_title_count", "params": {"title": "CSTDCS", "op": "ge", "count": 1}},
                {"code": "no_hold", "params": {}}],
   "council": {"vote": "secret", "pass": {"op": "ge", "num": 2, "den": 3, "base": "members"}, "upward": false, "public_notice_days": 0}},
  "GIAY_KHEN": {"subject": "staff_or_unit",
   "criteria": [{"code": "no_hold", "params": {}}],
   "council": {"vote": "open", "pass": {"op": "gt", "num": 1, "den": 2, "base": "present"}, "upward": false, "public_notice_days": 0}},
  "BK_TINH": {"subject": "staff",
   "criteria": [{"code": "any_of", "any_of": [
                   {"code": "consecutive_titles", "params": {"title": "CSTDCS", "years": 2}},
                   {"code": "all_of", "all_of": [{"code": "consecutive_ratings", "params": {"level": "HTXSNV", "years": 2}},
                                                 {"code": "initiatives_in_span", "params": {"count": 2, "years": 2}}]}]},
                {"code": "no_hold", "params": {}}],
   "council": {"vote": "secret", "pass": {"op": "ge", "num": 2, "den": 3, "base": "members"}, "upward": true, "public_notice_days": 0}},
  "CSTD_TINH": {"subject": "staff",
   "criteria": [{"code": "consecutive_titles", "params": {"title": "CSTDCS", "years": 3}},
                {"code": "initiative_level", "params": {"level": "tinh", "count": 1}},
                {"code": "no_hold", "params": {}}],
   "council": {"vote": "secret", "pass": {"op": "ge", "num": 9, "den": 10, "base": "members"}, "upward": true, "public_notice_days": 10}}
 }');

-- Campaigns made before this migration take the copy now.
INSERT INTO campaign_award_rules (campaign_id, rule_set_code, rules)
SELECT cp.id, c.code, c.rules FROM campaigns cp CROSS JOIN LATERAL rule_set_copy(cp.ends_on) c;
