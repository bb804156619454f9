// awards-api.js — the awards workflow's calls (awards.md and the helpers'
// contract): nominations, the council's sessions and ballots, decisions.
// Everything goes through api.js's request (cookie session, CSRF token on
// writes, ApiError with the problem's Vietnamese text), except the
// printable minutes, which are HTML.
import { ApiError, request, get } from './api.js';

const enc = encodeURIComponent;
const LIST = '?limit=1000';

export const awardRules = (campaignId) => get(`/campaigns/${enc(campaignId)}/award-rules`);
/** The campaign's nominations; `unitId` keeps those of one unit and its staff. */
export const nominations = (campaignId, unitId = null) =>
  get(`/campaigns/${enc(campaignId)}/nominations${LIST}${unitId ? `&unit_id=${enc(unitId)}` : ''}`);
export const propose = (campaignId, body) => request('POST', `/campaigns/${enc(campaignId)}/nominations`, { body });

export const staffOf = (unitId) => get(`/staff?limit=1000&unit_id=${enc(unitId)}`);
export const units = () => get(`/units${LIST}`);
export const staffMember = (id) => get(`/staff/${enc(id)}`);
export const unitById = (id) => get(`/units/${enc(id)}`);

export const sessions = (campaignId) => get(`/campaigns/${enc(campaignId)}/council-sessions${LIST}`);
/** Who may sit on the campaign's council (office and admins only). */
export const councilCandidates = (campaignId) => get(`/campaigns/${enc(campaignId)}/council-candidates${LIST}`);
export const createSession = (campaignId, body) =>
  request('POST', `/campaigns/${enc(campaignId)}/council-sessions`, { body });
export const openSession = (id, present) =>
  request('POST', `/council-sessions/${enc(id)}/open`, { body: { present } });
export const closeSession = (id) => request('POST', `/council-sessions/${enc(id)}/close`);
export const castBallot = (id, votes) =>
  request('POST', `/council-sessions/${enc(id)}/ballots`, { body: { votes } });
export const minutes = (id) => get(`/council-sessions/${enc(id)}/minutes`);

export const decisions = (campaignId) => get(`/campaigns/${enc(campaignId)}/decisions${LIST}`);
export const decide = (campaignId, body) => request('POST', `/campaigns/${enc(campaignId)}/decisions`, { body });

