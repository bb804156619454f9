// reports-api.js — the reports' calls (reports.md): the campaign's reports,
// one report's JSON, the office's draft, edits and regeneration, the
// director's approval, each delivery's status and a failed one's retry. Everything goes through
// api.js's request (cookie session, CSRF token on writes, ApiError with the
// problem's Vietnamese text). The PDF and the workbook are links (see
// fileUrl): a browser's navigation sends the session cookie.
import { request, get } from './api.js';

const enc = encodeURIComponent;

export const reports = (campaignId) => get(`/campaigns/${enc(campaignId)}/reports?limit=1000`);
export const report = (id) => get(`/reports/${enc(id)}`);
/** A draft of `kind` (mid_year, year_end, award_statistics); asOf null = the kind's default. */
export const createReport = (campaignId, kind, asOf = null) =>
  request('POST', `/campaigns/${enc(campaignId)}/reports`, { body: asOf ? { kind, as_of: asOf } : { kind } });
/** Sets the narrative sections given (text, or null to clear). */
export const saveSections = (id, sections) => request('PATCH', `/reports/${enc(id)}`, { body: { sections } });
export const regenerate = (id) => request('POST', `/reports/${enc(id)}/regenerate`);
export const approve = (id, number) => request('POST', `/reports/${enc(id)}/approve`, { body: { number } });
export const deliveries = (id) => get(`/reports/${enc(id)}/deliveries`);
/** Queues a failed delivery again (office, director, admin): answers as deliveries(). */
export const retryDelivery = (deliveryId) => request('POST', `/report-deliveries/${enc(deliveryId)}/retry`);

/** The address of a rendering: "pdf" (shown inline) or "xlsx" (downloaded). */
export const fileUrl = (id, format) => `/api/v1/reports/${enc(id)}?format=${enc(format)}`;
