/* Libraries opened on first use (see dynlib.h). */
#include "util/dynlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void load(struct pd_dynlib *lib)
{
    void *handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *reason = dlerror();
        snprintf(lib->error, sizeof lib->error, "%s (%s, Debian package %s) cannot be loaded: %s", lib->what,
                 lib->soname, lib->package, reason ? reason : "unknown reason");
        return;
    }
    for (size_t i = 0; lib->names[i]; i++) {
        void *symbol = dlsym(handle, lib->names[i]);
        if (!symbol) {
            snprintf(lib->error, sizeof lib->error, "%s (%s) lacks %s: version too old", lib->what, lib->soname,
                     lib->names[i]);
            dlclose(handle);
            return;
        }
        /* POSIX: a function's address fits an object pointer; copied, not cast */
        memcpy((char *)lib->functions + i * sizeof symbol, &symbol, sizeof symbol);
    }
    lib->loaded = true; /* the handle stays open for the process */
}

bool pd_dynlib_load(struct pd_dynlib *lib, char *why, size_t cap)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* taken once per connection: cheap */
    pthread_mutex_lock(&lock);
    if (!lib->tried) {
        lib->tried = true;
        load(lib);
    }
    bool loaded = lib->loaded;
    if (!loaded)
        snprintf(why, cap, "%s", lib->error);
    pthread_mutex_unlock(&lock);
    return loaded;
}
