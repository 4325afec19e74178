/* Policy files written at test time, for the policy and report unit tests. */
#ifndef PD_TEST_POLICY_FIXTURE_H
#define PD_TEST_POLICY_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

/* Writes text to a new temporary file; the path is malloc'd (exits 99 on failure). */
static inline char *fixture_file(const char *text)
{
    char *path = malloc(64);
    snprintf(path, 64, "/tmp/pdpscan-policy.XXXXXX");
    int fd = path ? mkstemp(path) : -1;
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        exit(99);
    fputs(text, f);
    fclose(f);
    return path;
}

/* One law, a unit rule on e-mail findings (two at least) and a folder rule on CCCDs. */
#define FIXTURE_POLICY                                                                                      \
    "{\"format\": \"pdpscan-policy/1\", \"id\": \"test\",\n"                                                 \
    " \"laws\": [{\"id\": \"org\", \"number\": \"QĐ-01/2026\", \"effective_from\": \"2026-01-01\",\n"       \
    "           \"name\": {\"vi\": \"Quy định nội bộ\", \"en\": \"Internal rule\"}}],\n"                     \
    " \"rules\": [\n"                                                                                        \
    "  {\"id\": \"ORG-EMAIL\", \"severity\": \"low\", \"title\": {\"vi\": \"Thư\", \"en\": \"E-mail\"},\n"    \
    "   \"rationale\": {\"vi\": \"r\", \"en\": \"r\"}, \"remediation\": {\"vi\": \"m\", \"en\": \"m\"},\n"   \
    "   \"legal_basis\": [{\"law\": \"org\", \"article\": \"3\", \"clause\": \"2\"}],\n"                       \
    "   \"condition\": {\"findings\": {\"detector\": \"email\", \"min_count\": 2}}},\n"                       \
    "  {\"id\": \"ORG-CCCD-FOLDER\", \"severity\": \"high\", \"scope\": \"folder\",\n"                       \
    "   \"title\": {\"vi\": \"CCCD\", \"en\": \"Citizen IDs in a folder\"},\n"                                \
    "   \"rationale\": {\"vi\": \"r\", \"en\": \"r\"}, \"remediation\": {\"vi\": \"m\", \"en\": \"m\"},\n"   \
    "   \"legal_basis\": [{\"law\": \"org\", \"article\": \"4\", \"uncertain\": true}],\n"                     \
    "   \"condition\": {\"findings\": {\"detector\": \"vn.cccd\", \"min_distinct\": 3}}}]}\n"

#endif
