/* report_render.h — a report's JSON (as GET /reports/{id} answers it) as
 * the document model of report_doc.h, for report_pdf and report_xlsx, and
 * as a printable HTML page.
 *
 * The heading comes from the figures: the agency's parent_body and name
 * (upper case), its place; the number; the date is the date of issue
 * (dated), else the approval's (in Vietnam's time), or for a draft the
 * generation's. The subject names the kind and the campaign ("Sơ kết 6
 * tháng đầu năm 2025 phong trào …"). Section I holds the figures
 * (paragraphs and tables: targets, units, awards by award and subject,
 * awards by unit, the awards granted at the higher level with their names,
 * exemplary models; for award_statistics the statistics table first), then
 * one section per narrative
 * the office wrote (ưu điểm, hạn chế, bài học kinh nghiệm, phương hướng,
 * kiến nghị), each paragraph a line of its text. "Nơi nhận:" lists the
 * agency's destinations for the kind and "Lưu: VT, TĐKT."; the signer is
 * "GIÁM ĐỐC" and the approver's name.
 *
 * Memory: everything in the arena a. */
#ifndef THIDUA_REPORT_RENDER_H
#define THIDUA_REPORT_RENDER_H
#include <jansson.h>

#include "arena.h"
#include "report_doc.h"

/* Fills doc from report. 0, or -1 when the report lacks what the heading
 * needs (figures.agency, a date). */
int report_render_doc(arena *a, const json_t *report, struct report_doc *doc);

/* The print view: a whole HTML page of doc, in the arena; NULL when out of
 * memory. */
char *report_render_html(arena *a, const struct report_doc *doc);

/* Upper case of UTF-8 s (Vietnamese: "Sở Nội vụ" -> "SỞ NỘI VỤ"), NFC. */
char *report_upper(arena *a, const char *s);

#endif
