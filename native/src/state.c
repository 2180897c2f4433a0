/*
 * The state header the shim writes in front of Java's JSON: "AFST", a version, the parameters. Reading it never
 * trusts the bytes: every parameter must be finite and in range (otherwise its default is used and the user is
 * told), older versions are migrated, newer ones are refused (and kept verbatim by the caller so nothing is lost).
 *
 *   version 1: "AFST" int32 1, double mix, double gain, JSON…            (0.1.0: two parameters)
 *   version 2: "AFST" int32 2, int32 count, double params[count], JSON…  (bypass added; count makes room to grow)
 *
 * Thread contract: pure functions on caller-owned memory; any non-audio thread.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "af_internal.h"

static const char MAGIC[4] = {'A', 'F', 'S', 'T'};
#define MAX_PARAMS_IN_STATE 64   /* a count above this is damage, not a future version */

static int32_t rd32(const char *p) { int32_t v; memcpy(&v, p, 4); return v; }
static double rd64(const char *p) { double v; memcpy(&v, p, 8); return v; }

static void defaults(af_state_header *h) {
    for (int i = 0; i < AF_PARAM_COUNT; i++) h->params[i] = af_param_default(i);
}

static void damaged(af_state_header *h, int32_t len, const char *why) {
    defaults(h);
    h->payloadOffset = len;   /* nothing of a damaged blob is handed on */
    h->damaged = 1;
    snprintf(h->notice, sizeof h->notice, "The saved AceForge state is damaged (%s); AceForge starts with its defaults.", why);
}

/* Takes the stored value of each parameter, or its default when it is not a finite number in range. */
static void take_params(af_state_header *h, const char *p, int count) {
    char bad[160] = "";
    for (int i = 0; i < AF_PARAM_COUNT; i++) {
        if (i >= count) { h->params[i] = af_param_default(i); continue; }
        double v = rd64(p + 8 * i);
        if (!af_param_valid(i, v)) {
            size_t n = strlen(bad);
            snprintf(bad + n, sizeof bad - n, "%s%s", n ? ", " : "", af_param_info_of(i)->title);
        }
        h->params[i] = af_param_sanitize(i, v);
    }
    if (bad[0])
        snprintf(h->notice, sizeof h->notice,
                 "The saved AceForge state had invalid values for %s; their defaults are used.", bad);
}

void af_state_parse(const char *data, int32_t len, af_state_header *h) {
    memset(h, 0, sizeof *h);
    defaults(h);
    if (len <= 0 || !data) return;   /* an empty state: a project saved before anything was set */
    if (len < 8 || memcmp(data, MAGIC, 4) != 0) { damaged(h, len, len < 8 ? "too short" : "no AceForge header"); return; }
    int32_t version = rd32(data + 4);
    h->version = version;
    if (version == 1) {
        if (len < 8 + 16) { damaged(h, len, "truncated"); return; }
        take_params(h, data + 8, 2);   /* version 1 had mix and gain; bypass starts off */
        h->payloadOffset = 8 + 16;
        h->migrated = 1;
        return;
    }
    if (version == AF_STATE_VERSION) {
        if (len < 12) { damaged(h, len, "truncated"); return; }
        int32_t count = rd32(data + 8);
        if (count < 1 || count > MAX_PARAMS_IN_STATE) { damaged(h, len, "impossible parameter count"); return; }
        if ((int64_t)len < 12 + 8 * (int64_t)count) { damaged(h, len, "truncated"); return; }
        take_params(h, data + 12, count);
        h->payloadOffset = 12 + 8 * count;
        return;
    }
    if (version > AF_STATE_VERSION) {
        defaults(h);
        h->payloadOffset = len;
        h->refused = 1;
        snprintf(h->notice, sizeof h->notice,
                 "This project's AceForge state was saved by a newer AceForge (state version %d); it is kept unchanged "
                 "but not loaded, so update AceForge to edit it.", (int)version);
        return;
    }
    damaged(h, len, "unknown version");
}

int32_t af_state_header_write(const double *params, char *out) {
    memcpy(out, MAGIC, 4);
    int32_t v = AF_STATE_VERSION, count = AF_PARAM_COUNT;
    memcpy(out + 4, &v, 4);
    memcpy(out + 8, &count, 4);
    for (int i = 0; i < AF_PARAM_COUNT; i++) {
        double p = af_param_sanitize(i, params[i]);
        memcpy(out + 12 + 8 * i, &p, 8);
    }
    return AF_STATE_HEADER_SIZE;
}
