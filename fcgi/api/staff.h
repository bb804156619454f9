/* api/staff.h — what staff.c shares with staff_import.c: the staff
 * categories and the date rule both the JSON and CSV paths apply. */
#ifndef THIDUA_API_STAFF_H
#define THIDUA_API_STAFF_H

/* cong_chuc, vien_chuc, nguoi_lao_dong; NULL-terminated. */
extern const char *const staff_categories[];
/* none, unit, agency (leader_level); NULL-terminated. */
extern const char *const staff_leader_levels[];

/* The message when left_on (ISO date or NULL) is before joined_on, else
 * NULL. Static text. */
const char *staff_dates_error(const char *joined_on, const char *left_on);

#endif
