-- The demo's reports, step 4 of deploy/demo.sh, before the reports are
-- made: where the department's reports go (reports.md, "Deliveries").
-- The Khối thi đua of the province's departments receives the mid-year
-- and year-end reports by e-mail; under `make run` the
-- stack's own SMTP server (aiosmtpd) accepts every address and keeps the
-- message in var/dev/mail/. The address is invented (example.vn).
INSERT INTO report_destinations (agency_id, name, channel, address, kinds)
SELECT a.id, 'Khối thi đua các cơ quan tổng hợp, nội chính', 'email', 'khoithidua@example.vn',
       '{mid_year,year_end}'
FROM units a WHERE a.code = 'SNV' AND a.kind = 'agency'
  AND NOT EXISTS (SELECT 1 FROM report_destinations d WHERE d.agency_id = a.id AND d.address = 'khoithidua@example.vn');
