/* main.c — `thidua [--config FILE] COMMAND`: serve, push, migrate, user,
 * routes, openapi, report deliver|run. */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "cli_user.h"
#include "config.h"
#include "migrate.h"
#include "openapi.h"
#include "push.h"
#include "report_deliver.h"
#include "report_run.h"
#include "router.h"
#include "serve.h"

/* The served ASan build renders report PDFs (api/reports.c): what
 * fontconfig read from the font files is kept once per process (see
 * tests/unit/test_report_pdf.c), which LeakSanitizer must not call a leak. */
#if defined(__SANITIZE_ADDRESS__)
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}
/* Without a leak, a report of the suppressions alone is no finding: the
 * test run counts any report the served binary writes. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}
#endif

static int usage(void)
{
    fprintf(stderr,
            "usage: thidua [--config FILE] COMMAND\n"
            "  serve                 FastCGI master and workers (see the README)\n"
            "  push [--once] [--pidfile FILE]   deliver the publication outbox to the portal\n"
            "  report deliver [--once] [--pidfile FILE]   deliver approved reports (HTTPS, e-mail)\n"
            "  report run [--today YYYY-MM-DD]   one pass over the report schedules (drafts, auto-approvals)\n"
            "  migrate               apply sql/migrations\n"
            "  user add NAME --role ROLE [--unit CODE] [--agency CODE] [--email ADDR]   (password on stdin)\n"
            "  user set-email NAME ADDR|--none   where NAME is told of reports\n"
            "  user list\n"
            "  user unlock NAME      lift the lockout of failed logins\n"
            "  routes                print the route table\n"
            "  openapi               print the OpenAPI document\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *config_path = NULL;
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "--config") == 0) {
        config_path = argv[i + 1];
        i += 2;
    }
    if (i >= argc)
        return usage();
    const char *cmd = argv[i++];
    if (strcmp(cmd, "routes") == 0) {
        for (size_t r = 0; r < router_count(); r++)
            printf("%s %s\n", router_at(r)->method, router_at(r)->pattern);
        return 0;
    }
    if (strcmp(cmd, "openapi") == 0) {
        puts(openapi_document());
        return 0;
    }
    static config cfg;
    char err[512];
    if (config_load(&cfg, config_path, err, sizeof err) != 0) {
        fprintf(stderr, "thidua: %s\n", err);
        return 1;
    }
    if (strcmp(cmd, "serve") == 0) {
        if (auth_init() != 0) {
            fprintf(stderr, "thidua: libsodium failed to initialise\n");
            return 1;
        }
        return serve_main(&cfg);
    }
    if (strcmp(cmd, "push") == 0)
        return push_main(&cfg, argc - i, argv + i);
    if (strcmp(cmd, "report") == 0 && i < argc && strcmp(argv[i], "deliver") == 0)
        return report_deliver_main(&cfg, argc - i - 1, argv + i + 1);
    if (strcmp(cmd, "report") == 0 && i < argc && strcmp(argv[i], "run") == 0)
        return report_run_main(&cfg, argc - i - 1, argv + i + 1);
    if (strcmp(cmd, "migrate") == 0)
        return migrate_main(&cfg);
    if (strcmp(cmd, "user") == 0)
        return cli_user_main(&cfg, argc - i, argv + i);
    return usage();
}
