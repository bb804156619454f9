/* report_sample.h — the report both renderer tests draw (test_report_pdf.c,
 * test_report_xlsx.c): a mid-year report of an invented agency with a
 * table of SAMPLE_ROWS people whose names carry every Vietnamese
 * diacritic, long enough to run over several pages. All storage is
 * static; sample_doc() fills it and returns it. Include after cmocka.h:
 * run() asserts. */
#ifndef THIDUA_TEST_REPORT_SAMPLE_H
#define THIDUA_TEST_REPORT_SAMPLE_H
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "report_doc.h"

#define SAMPLE_ROWS 120
#define SAMPLE_COLS 6

/* Family, middle and given names; together they hold each vowel with
 * each tone, ă â đ ê ô ơ ư, and upper-case letters with marks. */
static const char *const sample_family[] = {
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Trương", "Thạch", "Ẩn", "Ưng", "Ông", "Ứng", "Ổn",
};
static const char *const sample_middle[] = {
    "Thị", "Văn", "Ngọc", "Quốc", "Thu", "Mỹ", "Hữu", "Đức", "Xuân", "Kiều", "Thùy", "Tường", "Ỷ",
};
static const char *const sample_given[] = {
    "Hằng", "Vượng", "Ẩn", "Dung", "Kỹ", "Ngữ", "Lực", "Yến", "Kiệt", "Nguyệt", "Phượng", "Khuê",
    "Hưởng", "Trữ", "Nhựt", "Khẳng", "Ẵm", "Ặn", "Tỷ", "Vỹ", "Ỵ", "Ỳ", "Ý", "Ảnh", "Ãi", "Ạc",
    "Ầu", "Ấu", "Ẫn", "Ậu", "Ềm", "Ễ", "Ểu", "Ệt", "Ốc", "Ồn", "Ỗ", "Ộc", "Ớt", "Ờ", "Ởi", "Ỡ",
    "Ợi", "Ừng", "Ửu", "Ữu", "Ựa", "Ắc", "Ằn", "Ẳng", "Ơn", "Ỉ", "Ĩ", "Ị", "Ì", "Í", "Ủy", "Ũ",
    "Ụ", "Ù", "Ú", "Ẻm", "Ẽ", "Ẹ", "Ọc", "Ỏ", "Õ", "Ò", "Ó", "Đạt", "Điền", "Hỷ", "Lữ", "Mẫn",
};
#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static char sample_names[SAMPLE_ROWS][96];
static char sample_cell_text[SAMPLE_ROWS][4][24];
static const char *sample_cells[SAMPLE_ROWS * SAMPLE_COLS];

static const char *const sample_units[] = {
    "Văn phòng Sở", "Thanh tra Sở", "Phòng Tổ chức, biên chế", "Phòng Xây dựng chính quyền",
    "Ban Thi đua - Khen thưởng", "Ban Tôn giáo",
};

static const struct report_column sample_columns[SAMPLE_COLS] = {
    {"STT", REPORT_COL_INTEGER, 1},
    {"Họ và tên", REPORT_COL_TEXT, 5},
    {"Đơn vị", REPORT_COL_TEXT, 5},
    {"Số sáng kiến", REPORT_COL_INTEGER, 2},
    {"Tỷ lệ hoàn thành", REPORT_COL_PERCENT, 2},
    {"Ngày khen thưởng", REPORT_COL_DATE, 3},
};

static const char *const sample_paragraphs1[] = {
    "Thực hiện Kế hoạch số 15/KH-SNV ngày 10 tháng 02 năm 2025 của Sở Nội vụ về tổ chức phong trào thi đua "
    "năm 2025, các phòng, đơn vị thuộc Sở đã triển khai đồng bộ các nội dung thi đua; 100 % công chức, viên "
    "chức đăng ký thi đua; tỷ lệ hoàn thành nhiệm vụ bình quân đạt 98,6 %.",
    "Công tác khen thưởng được thực hiện kịp thời, đúng đối tượng, đúng quy định của Luật Thi đua, khen "
    "thưởng năm 2022 và Nghị định số 98/2023/NĐ-CP; ưu tiên khen thưởng người lao động trực tiếp.",
};
static const char *const sample_paragraphs2[] = {
    "Danh sách cá nhân được đề nghị khen thưởng trong 6 tháng đầu năm như sau:",
};
static const char *const sample_paragraphs3[] = {
    "Tiếp tục đẩy mạnh phong trào thi đua yêu nước, gắn với thực hiện nhiệm vụ chính trị của cơ quan; "
    "nhân rộng các điển hình tiên tiến, gương người tốt, việc tốt.",
};
static struct report_table sample_tables[1];
static struct report_section sample_sections[3];
static const char *const sample_recipients[] = {
    "Khối thi đua các cơ quan tổng hợp;", "Ban Thi đua - Khen thưởng tỉnh;", "Giám đốc, các Phó Giám đốc Sở;",
    "Lưu: VT, TĐKT.",
};

static const char *sample_name(size_t i)
{
    return sample_names[i];
}

static struct report_doc sample_doc(void)
{
    for (size_t i = 0; i < SAMPLE_ROWS; i++) {
        snprintf(sample_names[i], sizeof sample_names[i], "%s %s %s", sample_family[i % NELEMS(sample_family)],
                 sample_middle[(i * 7) % NELEMS(sample_middle)], sample_given[i % NELEMS(sample_given)]);
        snprintf(sample_cell_text[i][0], 24, "%zu", i + 1);
        snprintf(sample_cell_text[i][1], 24, "%zu", (i * 37) % 1500); /* some above 1 000 */
        /* Percentages with 0 to 3 places, one not exact in binary. */
        static const char *const pct[] = {"98.6", "100", "33.333", "0.1", "87.25", "99.99"};
        snprintf(sample_cell_text[i][2], 24, "%s", pct[i % NELEMS(pct)]);
        snprintf(sample_cell_text[i][3], 24, "2025-%02zu-%02zu", 1 + i % 12, 1 + i % 28);
        const char **row = &sample_cells[i * SAMPLE_COLS];
        row[0] = sample_cell_text[i][0];
        row[1] = sample_names[i];
        row[2] = sample_units[i % NELEMS(sample_units)];
        row[3] = sample_cell_text[i][1];
        row[4] = sample_cell_text[i][2];
        row[5] = i % 10 == 9 ? NULL : sample_cell_text[i][3]; /* some not yet decided */
    }
    sample_tables[0] = (struct report_table){
        .caption = "Bảng 1. Danh sách cá nhân đề nghị khen thưởng",
        .columns = sample_columns, .ncolumns = SAMPLE_COLS,
        .cells = sample_cells, .nrows = SAMPLE_ROWS,
    };
    sample_sections[0] = (struct report_section){"KẾT QUẢ THỰC HIỆN PHONG TRÀO THI ĐUA", sample_paragraphs1, 2, NULL, 0};
    sample_sections[1] = (struct report_section){"CÔNG TÁC KHEN THƯỞNG", sample_paragraphs2, 1, sample_tables, 1};
    sample_sections[2] = (struct report_section){"PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM", sample_paragraphs3, 1, NULL, 0};
    return (struct report_doc){
        .parent_body = "UBND TỈNH SÓC TRĂNG",
        .agency = "SỞ NỘI VỤ",
        .number = "5/BC-SNV",
        .place = "Sóc Trăng",
        .year = 2025, .month = 7, .day = 5,
        .title = "BÁO CÁO",
        .subject = "Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm và phương hướng, nhiệm vụ 6 tháng cuối năm 2025",
        .sections = sample_sections, .nsections = 3,
        .recipients = sample_recipients, .nrecipients = NELEMS(sample_recipients),
        .signer_authority = "KT. GIÁM ĐỐC",
        .signer_title = "PHÓ GIÁM ĐỐC",
        .signer_name = "Trương Quốc Vượng",
    };
}

/* The whole output of a shell command (malloc'd), which must exit 0. */
static char *run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *run(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 4096) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
    }
    out[len] = '\0';
    int st = pclose(p);
    if (st != 0)
        fail_msg("%s: exit status %d", cmd, st);
    return out;
}

#endif
