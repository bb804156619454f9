// format.test.mjs — the dashboard's Vietnamese formatting (nginx/www/js/format.js),
// run in node: the module has no DOM, the page imports the very same file.
import {
  formatDate, formatDecimal, formatFraction, formatInteger, formatMonth, formatPercent, parseDate,
  ratingLabel, statusWord, titleLabel, todayInVietnam,
} from '../../nginx/www/js/format.js';
import { changeText } from '../../nginx/www/js/reports-text.js';
import { assertEqual, run, test } from './webdriver.mjs';

test('percent with a decimal comma and a space before %', () => {
  assertEqual(formatPercent(98.73), '98,73 %', '98.73');
  assertEqual(formatPercent(100), '100 %', '100');
  assertEqual(formatPercent(98.7), '98,7 %', 'trailing zero dropped');
  assertEqual(formatPercent(0), '0 %', 'zero');
  assertEqual(formatPercent(14.925), '14,93 %', 'half-up at 2 decimals');
  assertEqual(formatPercent(1.005), '1,01 %', 'binary 1.005 still rounds up');
  assertEqual(formatPercent(null), '–', 'null is a dash');
  assertEqual(formatPercent(91.66666, 1), '91,7 %', 'one decimal');
});

test('thousands with a dot', () => {
  assertEqual(formatInteger(236), '236', 'three digits');
  assertEqual(formatInteger(1234), '1.234', 'four digits');
  assertEqual(formatInteger(1234567), '1.234.567', 'seven digits');
  assertEqual(formatInteger(-4500), '-4.500', 'negative');
  assertEqual(formatDecimal(12345.5), '12.345,5', 'decimal with thousands');
  assertEqual(formatInteger(undefined), '–', 'undefined');
});

test('dates as dd/mm/yyyy', () => {
  assertEqual(formatDate('2025-12-31'), '31/12/2025', 'ISO date');
  assertEqual(formatDate('2026-06-30T10:00:00+07:00'), '30/06/2026', 'timestamp');
  assertEqual(formatDate(null), '–', 'null');
  assertEqual(formatMonth('2025-03-01'), 'T3/2025', 'month label');
});

test('typed dates are read day first and checked', () => {
  assertEqual(parseDate('31/12/2025'), '2025-12-31', 'dd/mm/yyyy');
  assertEqual(parseDate('1/7/2025'), '2025-07-01', 'd/m/yyyy');
  assertEqual(parseDate(' 30-06-2026 '), '2026-06-30', 'dashes and spaces');
  assertEqual(parseDate('2025-02-28'), '2025-02-28', 'ISO');
  assertEqual(parseDate('29/02/2025'), null, 'no 29 February in 2025');
  assertEqual(parseDate('29/02/2024'), '2024-02-29', 'leap year');
  assertEqual(parseDate('12/31/2025'), null, 'month first is not a date here');
  assertEqual(parseDate('hôm qua'), null, 'words');
});

test('today is taken in Asia/Ho_Chi_Minh', () => {
  assertEqual(todayInVietnam(new Date('2025-12-31T16:59:59Z')), '2025-12-31', 'before midnight UTC+7');
  assertEqual(todayInVietnam(new Date('2025-12-31T17:00:00Z')), '2026-01-01', 'after midnight UTC+7');
});

test('fractions, statuses, ratings and titles in Vietnamese', () => {
  assertEqual(formatFraction(233, 236, 'người'), '233/236 người', 'fraction');
  assertEqual(formatFraction(1234, 2000), '1.234/2.000', 'thousands in fractions');
  assertEqual(formatFraction(null, 236, 'người'), '–', 'pending');
  assertEqual(statusWord('met'), 'Đạt', 'met');
  assertEqual(statusWord('at_risk'), 'Có nguy cơ', 'at_risk');
  assertEqual(statusWord('missed'), 'Không đạt', 'missed');
  assertEqual(statusWord('pending'), 'Chưa có số liệu', 'pending');
  assertEqual(ratingLabel('HTTNV'), 'Hoàn thành tốt nhiệm vụ', 'rating');
  assertEqual(ratingLabel(null), 'Chưa xếp loại', 'no rating');
  assertEqual(titleLabel('TTLDXS'), 'Tập thể lao động xuất sắc', 'collective title');
});

test('a report change in words: the award counts by unit and by subject', () => {
  assertEqual(changeText({ path: 'awards.by_unit', before: 3, after: 4 }), 'Khen thưởng › theo đơn vị: 3 → 4', 'by_unit');
  assertEqual(changeText({ path: 'awards.by_award_subject', before: 1, after: 2 }),
    'Khen thưởng › theo hình thức và đối tượng: 1 → 2', 'by_award_subject');
  assertEqual(changeText({ path: 'awards.named', before: 0, after: 1 }),
    'Khen thưởng › danh sách khen thưởng cấp trên: 0 → 1', 'named');
});

run('format');
