/* Module entry points, the static plugin factory (scanning never starts Java), UIDs, logging and stream helpers. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <stdatomic.h>
#include "af_internal.h"

/* Class IDs: "AceForgeProc0001" / "AceForgeCtrl0001" as four big-endian words. */
const af_uid AF_CID_PROCESSOR = {0x41636546, 0x6F726765, 0x50726F63, 0x30303031};
const af_uid AF_CID_CONTROLLER = {0x41636546, 0x6F726765, 0x4374726C, 0x30303031};

static char bundleDir[PATH_MAX];

void af_uid_to_tuid(af_uid u, TUID out) {
    uint32_t w[4] = {u.l1, u.l2, u.l3, u.l4};
    for (int i = 0; i < 4; i++) {
        out[4 * i] = (uint8_t)(w[i] >> 24);
        out[4 * i + 1] = (uint8_t)(w[i] >> 16);
        out[4 * i + 2] = (uint8_t)(w[i] >> 8);
        out[4 * i + 3] = (uint8_t)w[i];
    }
}

int af_uid_equals(const void *tuid, af_uid u) {
    TUID t;
    af_uid_to_tuid(u, t);
    return tuid != NULL && memcmp(tuid, t, 16) == 0;
}

const char *af_bundle_dir(void) { return bundleDir; }

/*
 * Once Java has this copy's function addresses (its shim table, instance pointers it calls back with) or one of our
 * own threads runs in it, the copy must stay mapped even if the host unloads the module: a call into an unmapped
 * copy is a crash in the host. RTLD_NODELETE on the already loaded object (found by the name it was loaded under)
 * makes every later dlclose keep it; a reload then gets the same copy back, statics and all.
 * Thread contract: any non-audio thread; idempotent.
 */
void af_module_pin(void) {
    static _Atomic int pinned;
    if (atomic_exchange(&pinned, 1)) return;
    Dl_info info;
    if (!dladdr((void *)&af_module_pin, &info) || !info.dli_fname) { af_log("cannot find this module to pin it"); return; }
    void *h = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
    if (!h) af_log("cannot pin %s: %s", info.dli_fname, dlerror());
    /* The handle is not closed: this reference and NODELETE both keep the copy. */
}

/* $XDG_STATE_HOME/aceforge (or ~/.local/state/aceforge), created if needed, + "/" + name. */
void af_state_path(const char *name, char *path, size_t size) {
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    char dir[PATH_MAX];
    if (state && *state) snprintf(dir, sizeof dir, "%s/aceforge", state);
    else snprintf(dir, sizeof dir, "%s/.local/state/aceforge", home ? home : "/tmp");
    for (char *p = dir + 1; *p; p++)   /* mkdir -p */
        if (*p == '/') { *p = 0; mkdir(dir, 0755); *p = '/'; }
    mkdir(dir, 0755);
    snprintf(path, size, "%s/%s", dir, name);
}

void af_log(const char *fmt, ...) {
    char path[PATH_MAX];
    af_state_path("plugin.log", path, sizeof path);
    FILE *f = fopen(path, "a");
    if (!f) return;
    time_t now = time(NULL);
    char ts[32];
    strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", localtime(&now));
    fprintf(f, "%s native: ", ts);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fclose(f);
}

void af_utf16_copy(char16 *dst, const char *src, int max) {
    int i = 0;
    for (; src[i] && i < max - 1; i++) dst[i] = (char16)(unsigned char)src[i];
    dst[i] = 0;
}

int af_stream_read_all(FUnknown *stream, char **data, int32_t *length) {
    const IBStreamVtbl *s = (const IBStreamVtbl *)stream->vtbl;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf) return -1;
    for (;;) {
        if (cap - len < 4096) {
            if (cap > (64u << 20)) { free(buf); return -1; }   /* state is JSON: 64 MB is absurd */
            char *nb = realloc(buf, cap * 2);
            if (!nb) { free(buf); return -1; }
            buf = nb;
            cap *= 2;
        }
        int32_t got = 0;
        tresult r = s->read(stream, buf + len, (int32_t)(cap - len), &got);
        if (got > 0) len += (size_t)got;
        if (r != kResultOk || got <= 0) break;
    }
    *data = buf;
    *length = (int32_t)len;
    return 0;
}

int af_stream_write(FUnknown *stream, const void *data, int32_t length) {
    const IBStreamVtbl *s = (const IBStreamVtbl *)stream->vtbl;
    int32_t done = 0;
    while (done < length) {
        int32_t n = 0;
        if (s->write(stream, (char *)data + done, length - done, &n) != kResultOk || n <= 0) return -1;
        done += n;
    }
    return 0;
}

/* ---------------- factory ---------------- */

typedef struct { const IPluginFactory3Vtbl *vtbl; } af_factory;

static tresult f_query(void *self, const TUID iid, void **obj) {
    if (af_uid_equals(iid, AF_IID_FUNKNOWN) || af_uid_equals(iid, AF_IID_IPLUGINFACTORY) ||
        af_uid_equals(iid, AF_IID_IPLUGINFACTORY2) || af_uid_equals(iid, AF_IID_IPLUGINFACTORY3)) {
        *obj = self;
        return kResultOk;
    }
    *obj = NULL;
    return kNoInterface;
}
static uint32_t f_addref(void *self) { (void)self; return 1; }
static uint32_t f_release(void *self) { (void)self; return 1; }

static tresult f_info(void *self, PFactoryInfo *info) {
    (void)self;
    memset(info, 0, sizeof *info);
    strcpy(info->vendor, "AceForge");
    strcpy(info->url, "https://aceforge.invalid/");
    strcpy(info->email, "support@aceforge.invalid");
    info->flags = 1 << 4; /* kUnicode */
    return kResultOk;
}

static int32_t f_count(void *self) { (void)self; return 2; }

static void class_common(int32_t index, TUID cid, char *category, char *name) {
    af_uid_to_tuid(index == 0 ? AF_CID_PROCESSOR : AF_CID_CONTROLLER, cid);
    strcpy(category, index == 0 ? "Audio Module Class" : "Component Controller Class");
    strcpy(name, "AceForge");
}

static tresult f_classinfo(void *self, int32_t index, PClassInfo *info) {
    (void)self;
    if (index < 0 || index > 1) return kInvalidArgument;
    memset(info, 0, sizeof *info);
    class_common(index, info->cid, info->category, info->name);
    info->cardinality = 0x7FFFFFFF;
    return kResultOk;
}

static tresult f_classinfo2(void *self, int32_t index, PClassInfo2 *info) {
    (void)self;
    if (index < 0 || index > 1) return kInvalidArgument;
    memset(info, 0, sizeof *info);
    class_common(index, info->cid, info->category, info->name);
    info->cardinality = 0x7FFFFFFF;
    info->classFlags = index == 0 ? kDistributable : 0;
    strcpy(info->subCategories, index == 0 ? "Fx|Generator" : "");
    strcpy(info->vendor, "AceForge");
    strcpy(info->version, "0.1.0");
    strcpy(info->sdkVersion, "VST 3.8.0");
    return kResultOk;
}

static tresult f_classinfoW(void *self, int32_t index, PClassInfoW *info) {
    (void)self;
    if (index < 0 || index > 1) return kInvalidArgument;
    memset(info, 0, sizeof *info);
    char name[64];
    class_common(index, info->cid, info->category, name);
    af_utf16_copy(info->name, name, 64);
    info->cardinality = 0x7FFFFFFF;
    info->classFlags = index == 0 ? kDistributable : 0;
    strcpy(info->subCategories, index == 0 ? "Fx|Generator" : "");
    af_utf16_copy(info->vendor, "AceForge", 64);
    af_utf16_copy(info->version, "0.1.0", 64);
    af_utf16_copy(info->sdkVersion, "VST 3.8.0", 64);
    return kResultOk;
}

static tresult f_create(void *self, const char *cid, const char *iid, void **obj) {
    (void)self;
    *obj = NULL;
    void *o = NULL;
    if (af_uid_equals(cid, AF_CID_PROCESSOR)) o = af_create_processor();
    else if (af_uid_equals(cid, AF_CID_CONTROLLER)) o = af_create_controller();
    else return kNoInterface;
    if (!o) return kOutOfMemory;
    FUnknown *u = o;
    tresult r = u->vtbl->queryInterface(o, (const uint8_t *)iid, obj);
    u->vtbl->release(o);   /* the creation reference; queryInterface took its own */
    return r;
}

static tresult f_sethost(void *self, FUnknown *context) { (void)self; (void)context; return kResultOk; }

static const IPluginFactory3Vtbl factoryVtbl = {
    f_query, f_addref, f_release, f_info, f_count, f_classinfo, f_create, f_classinfo2, f_classinfoW, f_sethost
};
static af_factory factory = {&factoryVtbl};

AF_EXPORT void *GetPluginFactory(void) { return &factory; }

AF_EXPORT _Bool ModuleEntry(void *handle) {
    (void)handle;
    Dl_info info;
    if (dladdr((void *)&ModuleEntry, &info) && info.dli_fname) {
        char path[PATH_MAX];
        if (realpath(info.dli_fname, path)) {
            /* …/Name.vst3/Contents/x86_64-linux/Name.so → …/Name.vst3 */
            for (int up = 0; up < 3; up++) {
                char *s = strrchr(path, '/');
                if (s) *s = 0;
            }
            snprintf(bundleDir, sizeof bundleDir, "%s", path);
        }
    }
    return 1;
}

AF_EXPORT _Bool ModuleExit(void) {
    /* The JVM is never destroyed (it cannot be re-created, and other plugins may share it). */
    return 1;
}
