/* migrate.h — `thidua migrate`: applies sql/migrations/NNNN_*.sql in order,
 * each in its own transaction, recorded in schema_migrations; a migration
 * already recorded is skipped, so running it again is a no-op. It connects
 * as the schema owner (database_owner_url, else database_url): whatever a
 * migration creates belongs to that role (sql/migrations/README.md). */
#ifndef THIDUA_MIGRATE_H
#define THIDUA_MIGRATE_H

#include "config.h"

/* Returns 0, or 1 with the reason on stderr. Prints what it applied. */
int migrate_main(const config *cfg);

#endif
