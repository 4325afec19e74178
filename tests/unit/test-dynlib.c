/* Libraries opened on first use: a missing library and a missing function each give a reason
 * naming them (and the package), tried once; a present one is called through its table. */
#include <stdlib.h>
#include <string.h>

#include "util/dynlib.h"
#include "tests/unit/check.h"

#define PRESENT(X) X(strlen) X(abs)
PD_DYNLIB_DEFINE(present, libc_lib, PRESENT, "libc.so.6", "the C library", "libc6");

static const char *const missing_function_names[] = {"strlen", "pdpscan_no_such_function", NULL};
static void *missing_function_slots[2];
static struct pd_dynlib missing_function = {.soname = "libc.so.6", .what = "the C library", .package = "libc6",
                                            .names = missing_function_names, .functions = missing_function_slots};

static const char *const missing_library_names[] = {"strlen", NULL};
static void *missing_library_slots[1];
static struct pd_dynlib missing_library = {.soname = "libpdpscan-absent.so.7", .what = "the absent library",
                                           .package = "libpdpscan-absent7", .names = missing_library_names,
                                           .functions = missing_library_slots};

int main(void)
{
    char why[300] = "";
    CHECK(pd_dynlib_load(&libc_lib, why, sizeof why));
    CHECK(present.strlen && present.strlen("abc") == 3 && present.abs(-4) == 4);

    CHECK(!pd_dynlib_load(&missing_library, why, sizeof why));
    CHECK_MSG(strstr(why, "the absent library (libpdpscan-absent.so.7, Debian package libpdpscan-absent7)"),
              "why: %s", why);
    char again[300] = "";
    CHECK(!pd_dynlib_load(&missing_library, again, sizeof again) && strcmp(why, again) == 0); /* tried once */

    CHECK(!pd_dynlib_load(&missing_function, why, sizeof why));
    CHECK_MSG(strstr(why, "lacks pdpscan_no_such_function"), "why: %s", why);
    return check_done();
}
