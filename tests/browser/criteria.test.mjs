// criteria.test.mjs — the awards page's Vietnamese sentences for each
// eligibility criterion (nginx/www/js/criteria.js), from code, params and
// evidence as fcgi/eligibility.c and fcgi/awards.c write them; run in node:
// the module has no DOM, the page imports the very same file.
import {
  awardLabel, criterionItems, criterionText, nominationStateLabel, thresholdText, voteLabel,
} from '../../nginx/www/js/criteria.js';
import { assertEqual, run, test } from './webdriver.mjs';

const rating = (level, met, ev) => ({ code: 'rating_at_least', params: { level }, met, evidence: ev });

test('rating: the level asked, the verdict, the decision number and its date dd/mm/yyyy', () => {
  assertEqual(criterionText(rating('HTTNV', true, { rating: 'HTTNV', decision_no: '452/QĐ-SNV', decided_on: '2025-12-24' })),
    'Xếp loại Hoàn thành tốt nhiệm vụ trở lên — đạt (QĐ số 452/QĐ-SNV, ngày 24/12/2025)', 'met at the level');
  assertEqual(criterionText(rating('HTTNV', true, { rating: 'HTXSNV', decision_no: '452/QĐ-SNV', decided_on: '2025-12-24' })),
    'Xếp loại Hoàn thành tốt nhiệm vụ trở lên — đạt (Hoàn thành xuất sắc nhiệm vụ, QĐ số 452/QĐ-SNV, ngày 24/12/2025)', 'met above it');
  assertEqual(criterionText(rating('HTTNV', false, { rating: 'HTNV', decision_no: '7/QĐ-SNV', decided_on: '2025-01-05' })),
    'Xếp loại Hoàn thành tốt nhiệm vụ trở lên — chưa đạt (Hoàn thành nhiệm vụ, QĐ số 7/QĐ-SNV, ngày 05/01/2025)', 'below it');
  assertEqual(criterionText(rating('HTTNV', false, { rating: null, decision_no: null, decided_on: null })),
    'Xếp loại Hoàn thành tốt nhiệm vụ trở lên — chưa đạt (chưa có quyết định xếp loại)', 'not rated');
  assertEqual(criterionText(rating('HTXSNV', false, { rating: 'HTTNV', decision_no: '452/QĐ-SNV', decided_on: '2025-12-24' })),
    'Xếp loại Hoàn thành xuất sắc nhiệm vụ — chưa đạt (Hoàn thành tốt nhiệm vụ, QĐ số 452/QĐ-SNV, ngày 24/12/2025)', 'no "trở lên" above the top');
  assertEqual(criterionText({ code: 'unit_rating_at_least', params: { level: 'HTXSNV' }, met: true,
    evidence: { rating: 'HTXSNV', decision_no: '453/QĐ-SNV', decided_on: '2025-12-24' } }, 'unit'),
  'Tập thể xếp loại Hoàn thành xuất sắc nhiệm vụ — đạt (QĐ số 453/QĐ-SNV, ngày 24/12/2025)', 'a unit');
});

test('tenure: six months, the day it is reached, the day the person left', () => {
  const t = (met, ev) => criterionText({ code: 'tenure_months', params: { months: 6 }, met, evidence: ev });
  assertEqual(t(true, { joined_on: '2025-07-01', left_on: null, ends_on: '2025-12-31', tenure_reached_on: '2026-01-01' }),
    'Công tác đủ 6 tháng — đạt (từ ngày 01/07/2025)', 'joined 1 July qualifies');
  assertEqual(t(false, { joined_on: '2025-07-02', left_on: null, ends_on: '2025-12-31', tenure_reached_on: '2026-01-02' }),
    'Công tác đủ 6 tháng — chưa đạt (từ ngày 02/07/2025, đến ngày 02/01/2026 mới đủ, sau ngày kết thúc năm thi đua 31/12/2025)', 'joined 2 July does not');
  assertEqual(t(false, { joined_on: '2010-03-01', left_on: '2025-10-15', ends_on: '2025-12-31', tenure_reached_on: '2010-09-01' }),
    'Công tác đủ 6 tháng — chưa đạt (đã thôi công tác ngày 15/10/2025)', 'left during the year');
});

test('members of a unit: the share with a decimal comma (98,6 %) and the count', () => {
  assertEqual(criterionText({ code: 'members_title_share', params: { title: 'LDTT', op: 'ge', percent: 70 }, met: true,
    evidence: { members: 71, holding: 70 } }, 'unit'),
  'Từ 70 % cán bộ của đơn vị trở lên đạt danh hiệu Lao động tiên tiến — đạt (70/71 người, 98,6 %)', 'ge 70, 70 of 71');
  assertEqual(criterionText({ code: 'members_title_share', params: { title: 'LDTT', op: 'gt', percent: 50 }, met: false,
    evidence: { members: 1234, holding: 617 } }, 'unit'),
  'Trên 50 % cán bộ của đơn vị đạt danh hiệu Lao động tiên tiến — chưa đạt (617/1.234 người, 50 %)', 'exactly half is not above it; thousands with a dot');
  assertEqual(criterionText({ code: 'members_title_share', params: { title: 'LDTT', op: 'ge', percent: 66.67 }, met: false,
    evidence: { members: 3, holding: 2 } }, 'unit'),
  'Từ 66,67 % cán bộ của đơn vị trở lên đạt danh hiệu Lao động tiên tiến — chưa đạt (2/3 người, dưới 66,67 %)', 'rounding does not contradict the verdict');
  assertEqual(criterionText({ code: 'members_title_share', params: { title: 'LDTT', op: 'gt', percent: 50 }, met: true,
    evidence: { members: 2001, holding: 1001 } }, 'unit'),
  'Trên 50 % cán bộ của đơn vị đạt danh hiệu Lao động tiên tiến — đạt (1.001/2.001 người, trên 50 %)', 'nor the other way');
  assertEqual(criterionText({ code: 'members_rating_share', params: { level: 'HTNV', op: 'ge', percent: 100 }, met: false,
    evidence: { members: 27, holding: 26 } }, 'unit'),
  'Toàn bộ cán bộ của đơn vị xếp loại Hoàn thành nhiệm vụ trở lên — chưa đạt (26/27 người, 96,3 %)', 'everyone');
  assertEqual(criterionText({ code: 'members_title_count', params: { title: 'CSTDCS', op: 'ge', count: 1 }, met: true,
    evidence: { members: 27, holding: 2 } }, 'unit'),
  'Có ít nhất 1 cán bộ của đơn vị đạt danh hiệu Chiến sĩ thi đua cơ sở — đạt (có 2 người)', 'a count');
  assertEqual(criterionText({ code: 'members_title_share', params: { title: 'LDTT', op: 'gt', percent: 50 }, met: false,
    evidence: { members: 0, holding: 0 } }, 'unit'),
  'Trên 50 % cán bộ của đơn vị đạt danh hiệu Lao động tiên tiến — chưa đạt (đơn vị không có cán bộ đang làm việc)', 'no staff');
});

test('holds, initiatives, consecutive years, registration', () => {
  assertEqual(criterionText({ code: 'no_hold', params: {}, met: true, evidence: { as_of: '2026-12-04', open_hold_ids: [] } }),
    'Không đang bị xem xét kỷ luật, thanh tra, điều tra hoặc giải quyết khiếu nại — đạt (tại ngày 04/12/2026)', 'no hold');
  assertEqual(criterionText({ code: 'no_hold', params: {}, met: false, evidence: { as_of: '2025-04-01', open_hold_ids: [1] } }),
    'Không đang bị xem xét kỷ luật, thanh tra, điều tra hoặc giải quyết khiếu nại — chưa đạt (đang có 1 trường hợp tạm dừng xét khen thưởng tại ngày 01/04/2025)', 'a hold open');
  assertEqual(criterionText({ code: 'initiative', params: { count: 1 }, met: false,
    evidence: { from: '2025-01-01', to: '2025-12-31', count: 0, initiative_ids: [] } }),
  'Có sáng kiến được công nhận — chưa đạt (chưa có sáng kiến nào, từ ngày 01/01/2025 đến ngày 31/12/2025)', 'no initiative');
  assertEqual(criterionText({ code: 'initiative_level', params: { level: 'tinh', count: 1 }, met: true,
    evidence: { from: '2025-01-01', to: '2025-12-31', count: 1, initiative_ids: [3] } }),
  'Có sáng kiến được công nhận cấp tỉnh trở lên — đạt (1 sáng kiến, từ ngày 01/01/2025 đến ngày 31/12/2025)', 'provincial level');
  assertEqual(criterionText({ code: 'consecutive_titles', params: { title: 'CSTDCS', years: 3 }, met: false,
    evidence: { years: [{ year: 2025, rank: 2, met: true }, { year: 2023, rank: 2, met: true }, { year: 2024, rank: 1, met: false }] } }),
  'Đạt danh hiệu Chiến sĩ thi đua cơ sở 3 năm liên tục — chưa đạt (năm 2023: đạt; năm 2024: chưa đạt; năm 2025: đạt)', 'years in order');
  assertEqual(criterionText({ code: 'registered', params: {}, met: false,
    evidence: { registered_on: null, registration_closes_on: '2025-03-02' } }),
  'Đã đăng ký thi đua đúng hạn (đến ngày 02/03/2025) — chưa đạt (chưa đăng ký)', 'not registered');
});

test('alternatives keep their items; unknown codes are named', () => {
  const any = { code: 'any_of', met: true, any_of: [rating('HTXSNV', false, { rating: 'HTTNV' }), { code: 'initiative', params: { count: 1 }, met: true, evidence: { count: 1 } }] };
  assertEqual(criterionText(any), 'Đạt ít nhất một trong các tiêu chí sau — đạt', 'any_of');
  assertEqual(criterionItems(any).length, 2, 'its items');
  assertEqual(criterionText({ code: 'all_of', met: false, all_of: [] }), 'Đạt tất cả các tiêu chí sau — chưa đạt', 'all_of');
  assertEqual(criterionText({ code: 'new_rule', params: {}, met: true, evidence: {} }), 'Tiêu chí new_rule — đạt', 'unknown');
});

test('awards, states, votes and thresholds in words', () => {
  assertEqual(awardLabel('LDTT'), 'Lao động tiên tiến', 'LDTT');
  assertEqual(awardLabel('BK_TINH'), 'Bằng khen của Ủy ban nhân dân tỉnh', 'BK_TINH');
  assertEqual(nominationStateLabel('in_session'), 'Đang xét tại phiên họp', 'in session');
  assertEqual(voteLabel('abstain'), 'Không biểu quyết', 'abstain');
  assertEqual(thresholdText({ op: 'gt', num: 1, den: 2, base: 'present', base_count: 3, needed: 2 }),
    'Trên 1/2 số thành viên có mặt (3 người): cần ít nhất 2 phiếu đồng ý', '> half of present');
  assertEqual(thresholdText({ op: 'ge', num: 2, den: 3, base: 'members', base_count: 7, needed: 5 }),
    'Từ 2/3 tổng số thành viên Hội đồng trở lên (7 người): cần ít nhất 5 phiếu đồng ý', '≥ 2/3 of members');
});

run('criteria');
