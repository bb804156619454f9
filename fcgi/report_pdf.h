/* report_pdf.h — a report (report_doc.h) as an official PDF in the layout
 * of Nghị định 30/2020/NĐ-CP: A4 portrait, margins 20 mm top and bottom,
 * 30 mm left, 15 mm right; agency block top left, Quốc hiệu and Tiêu ngữ
 * top right, "Số:", place and date, title and subject, numbered sections
 * of justified paragraphs, tables that repeat their header row on every
 * page they run onto, "Nơi nhận:" and the signature block; page numbers
 * centred at the top from page 2. Text is real (selectable, searchable)
 * in Liberation Serif (Times New Roman metrics), subset and embedded.
 *
 * Made with cairo and pango (HarfBuzz shaping), not libharu: tried on
 * "Nguyễn Thị Thu Hằng, Trương Quốc Vượng, Lê Ngọc Ẩn, Đặng Thị Mỹ Dung,
 * ỷ ỹ ự ữ ẵ ặ ổ ộ" in regular, bold and italic, both drew NFC text right,
 * but libharu 2.3 (Debian 12) embeds each face whole (620 KB for three
 * faces against 44 KB subset by cairo), writes a ToUnicode CMap that
 * poppler calls invalid ("Invalid 'begincidrange' operator"), draws
 * decomposed text (NFD, as pasted from some systems) with its combining
 * marks beside the letters instead of on them ("Vưởng" for "Vượng"), and
 * has no line breaking or justification for UTF-8 text; pango breaks,
 * justifies, kerns and positions the marks.
 *
 * The font: four files found through fontconfig (fc-match "Liberation
 * Serif", then :bold, :italic and :bold:italic) unless report_pdf_set_fonts named them;
 * a match of another family (fontconfig's fallback when fonts-liberation2
 * is missing) is refused with REPORT_NO_FONT and says so. The files go
 * into a private fontconfig set that holds nothing else, so no glyph ever
 * comes silently from another font: text with a character the font lacks
 * is refused with REPORT_NO_FONT naming it.
 *
 * Not thread-safe: the font map is built once per process (at the first
 * render) and kept; report_pdf_shutdown releases it. */
#ifndef THIDUA_REPORT_PDF_H
#define THIDUA_REPORT_PDF_H
#include <stddef.h>

#include "report_doc.h"

/* Uses these font files (regular, bold, italic, bold italic) instead of
 * fontconfig's match; a NULL one is matched by fontconfig. The strings are
 * copied. Takes effect at the next render (the font map is rebuilt).
 * Returns 0, or -1 when out of memory (nothing changed). */
int report_pdf_set_fonts(const char *regular, const char *bold, const char *italic, const char *bold_italic);

/* Renders doc. On REPORT_OK *out is a malloc'd PDF of *len bytes that the
 * caller frees with free(). On failure *out is NULL, and err (when not
 * NULL) holds a message of at most errlen bytes naming the cause (the
 * cell, the character, the font). */
enum report_rc report_pdf_render(const struct report_doc *doc, unsigned char **out, size_t *len, char *err,
                                 size_t errlen);

/* Releases the font map and the font names given; the next render builds
 * them again. */
void report_pdf_shutdown(void);

#endif
