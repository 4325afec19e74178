/* Budget accounting for containers. */
#include "scanner/budget.h"

#include <stdio.h>

const struct pd_budget_limits pd_budget_defaults = {
    .max_depth = 17, .max_members = 10000, .max_bytes = 400ULL << 20, .max_ratio = 250, .timeout = 120,
};

void pd_budget_start(struct pd_budget *b, const struct pd_budget_limits *limits, uint64_t file_size)
{
    b->limits = *limits;
    b->members = b->expanded = 0;
    b->file_size = file_size;
    b->exceeded[0] = '\0';
    clock_gettime(CLOCK_MONOTONIC, &b->start);
}

static bool over_time(struct pd_budget *b)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (b->limits.timeout && now.tv_sec - b->start.tv_sec >= (time_t)b->limits.timeout) {
        snprintf(b->exceeded, sizeof b->exceeded, "time limit of %u s reached (--archive-timeout)", b->limits.timeout);
        return true;
    }
    return false;
}

bool pd_budget_depth(struct pd_budget *b, unsigned depth)
{
    if (b->exceeded[0])
        return false;
    if (depth > b->limits.max_depth) {
        snprintf(b->exceeded, sizeof b->exceeded, "containers nested deeper than %u levels (--archive-max-depth)",
                 b->limits.max_depth);
        return false;
    }
    return true;
}

bool pd_budget_member(struct pd_budget *b)
{
    if (b->exceeded[0])
        return false;
    if (++b->members > b->limits.max_members) {
        snprintf(b->exceeded, sizeof b->exceeded, "more than %llu members (--archive-max-members)",
                 (unsigned long long)b->limits.max_members);
        return false;
    }
    return !over_time(b);
}

bool pd_budget_bytes(struct pd_budget *b, uint64_t more)
{
    if (b->exceeded[0])
        return false;
    b->expanded += more;
    if (b->expanded > b->limits.max_bytes) {
        snprintf(b->exceeded, sizeof b->exceeded, "more than %llu expanded bytes (--archive-max-bytes)",
                 (unsigned long long)b->limits.max_bytes);
        return false;
    }
    if (b->limits.max_ratio && b->expanded > (16u << 20) &&
        b->expanded / (b->file_size ? b->file_size : 1) > b->limits.max_ratio) {
        snprintf(b->exceeded, sizeof b->exceeded, "expansion ratio over %u:1 (--archive-max-ratio)",
                 b->limits.max_ratio);
        return false;
    }
    return (b->expanded & ((1u << 20) - 1)) > more || !over_time(b); /* the clock is read once per MiB */
}
