/*
 * AceForge's VST3 test host: loads a .vst3 bundle the way a DAW does and checks it end to end —
 * exports and factory, class info, instantiation without Java, connection, buses and arrangements, process-context
 * requirements, setup at 44.1/48/96 kHz with block sizes 32–4096 in 32 and 64 bit, silence flags, audio and note
 * events, parameters (incl. bypass), state round trip and version migration, 39 corrupted states, the editor (when
 * DISPLAY is set), the real-time tripwire (no allocation, no lock, no Java on the audio thread, also under Java GC
 * pressure), and unload. Other modes: two copies of the module loaded/unloaded in a given order (--copies), a plugin
 * whose Java cannot start (--no-java-expected), a deliberately broken build that must be caught (--rt-only).
 * Prints "N passed, M failed" and figures. Exit 0 only if all passed.
 * Usage: vst3-test-host BUNDLE.vst3 [--no-java-expected [TEXT] | --foreign-jvm | --rt-only | --copies BUNDLE2 STEPS]
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "vst3_abi.h"
#include <jni.h>
#include <pthread.h>

/* ---------- the real-time tripwire: allocation and locking on an armed thread are counted ---------- */
#ifdef AF_TRIPWIRE
/* This executable's definitions interpose libc's for every library in the process (linked with -rdynamic), the
 * plugin and libjvm included; while a thread is armed, each call is counted. glibc's __libc_* entry points reach
 * the real allocator without dlsym (which may allocate itself). */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);
static __thread int tw_armed;
static _Atomic long tw_allocs, tw_locks;
static int (*real_lock)(pthread_mutex_t *), (*real_trylock)(pthread_mutex_t *), (*real_timedlock)(pthread_mutex_t *, const struct timespec *);
static int (*real_rdlock)(pthread_rwlock_t *), (*real_wrlock)(pthread_rwlock_t *);
static int (*real_condwait)(pthread_cond_t *, pthread_mutex_t *);
__attribute__((constructor)) static void tw_init(void) {
    real_lock = dlsym(RTLD_NEXT, "pthread_mutex_lock");
    real_trylock = dlsym(RTLD_NEXT, "pthread_mutex_trylock");
    real_timedlock = dlsym(RTLD_NEXT, "pthread_mutex_timedlock");
    real_rdlock = dlsym(RTLD_NEXT, "pthread_rwlock_rdlock");
    real_wrlock = dlsym(RTLD_NEXT, "pthread_rwlock_wrlock");
    real_condwait = dlsym(RTLD_NEXT, "pthread_cond_wait");
}
#define TW_ALLOC() do { if (tw_armed) atomic_fetch_add(&tw_allocs, 1); } while (0)
#define TW_LOCK() do { if (tw_armed) atomic_fetch_add(&tw_locks, 1); } while (0)
void *malloc(size_t n) { TW_ALLOC(); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { TW_ALLOC(); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { TW_ALLOC(); return __libc_realloc(p, n); }
void free(void *p) { if (p) TW_ALLOC(); __libc_free(p); }
void *memalign(size_t a, size_t n) { TW_ALLOC(); return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { TW_ALLOC(); return __libc_memalign(a, n); }
int posix_memalign(void **out, size_t a, size_t n) { TW_ALLOC(); *out = __libc_memalign(a, n); return *out ? 0 : 12; }
int pthread_mutex_lock(pthread_mutex_t *m) { TW_LOCK(); return real_lock(m); }
int pthread_mutex_trylock(pthread_mutex_t *m) { TW_LOCK(); return real_trylock(m); }
int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *t) { TW_LOCK(); return real_timedlock(m, t); }
int pthread_rwlock_rdlock(pthread_rwlock_t *l) { TW_LOCK(); return real_rdlock(l); }
int pthread_rwlock_wrlock(pthread_rwlock_t *l) { TW_LOCK(); return real_wrlock(l); }
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { TW_LOCK(); return real_condwait(c, m); }
static const int tripwire = 1;
#else
static __thread int tw_armed;
static _Atomic long tw_allocs, tw_locks;
static const int tripwire = 0;
#endif

static int passed, failed;
#define CHECK(cond, ...) do { if (cond) passed++; else { failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } } while (0)

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

void af_uid_to_tuid(af_uid u, TUID out) {
    uint32_t w[4] = {u.l1, u.l2, u.l3, u.l4};
    for (int i = 0; i < 4; i++) for (int b = 0; b < 4; b++) out[4 * i + b] = (uint8_t)(w[i] >> (24 - 8 * b));
}
static const uint8_t *iid(af_uid u) { static TUID t[8]; static int k; k = (k + 1) % 8; af_uid_to_tuid(u, t[k]); return t[k]; }

/* ---------- host-side objects: memory stream, parameter changes, event list, component handler, message ---------- */
static tresult nq(void *s, const TUID i, void **o) { (void)i; *o = s; return kResultOk; }
static uint32_t one(void *s) { (void)s; return 1; }

typedef struct { const IBStreamVtbl *vtbl; char *buf; int64_t len, cap, pos; } mstream;
static tresult ms_read(void *s, void *b, int32_t n, int32_t *got) {
    mstream *m = s; int64_t k = m->len - m->pos < n ? m->len - m->pos : n;
    memcpy(b, m->buf + m->pos, (size_t)k); m->pos += k; if (got) *got = (int32_t)k; return kResultOk;
}
static tresult ms_write(void *s, void *b, int32_t n, int32_t *done) {
    mstream *m = s;
    if (m->pos + n > m->cap) { m->cap = (m->pos + n) * 2; m->buf = realloc(m->buf, (size_t)m->cap); }
    memcpy(m->buf + m->pos, b, (size_t)n); m->pos += n; if (m->pos > m->len) m->len = m->pos; if (done) *done = n; return kResultOk;
}
static tresult ms_seek(void *s, int64_t p, int32_t mode, int64_t *r) {
    mstream *m = s; m->pos = mode == kSeekSet ? p : mode == kSeekCur ? m->pos + p : m->len + p; if (r) *r = m->pos; return kResultOk;
}
static tresult ms_tell(void *s, int64_t *p) { *p = ((mstream *)s)->pos; return kResultOk; }
static const IBStreamVtbl msVtbl = {nq, one, one, ms_read, ms_write, ms_seek, ms_tell};

typedef struct { const IParamValueQueueVtbl *vtbl; ParamID id; int32_t off; double v; } pqueue;
static ParamID pq_id(void *s) { return ((pqueue *)s)->id; }
static int32_t pq_count(void *s) { (void)s; return 1; }
static tresult pq_get(void *s, int32_t i, int32_t *o, ParamValue *v) { (void)i; *o = ((pqueue *)s)->off; *v = ((pqueue *)s)->v; return kResultOk; }
static tresult pq_add(void *s, int32_t o, ParamValue v, int32_t *i) { (void)s; (void)o; (void)v; (void)i; return kResultFalse; }
static const IParamValueQueueVtbl pqVtbl = {nq, one, one, pq_id, pq_count, pq_get, pq_add};
typedef struct { const IParameterChangesVtbl *vtbl; pqueue *q; int n; } pchanges;
static int32_t pc_count(void *s) { return ((pchanges *)s)->n; }
static FUnknown *pc_get(void *s, int32_t i) { return (FUnknown *)&((pchanges *)s)->q[i]; }
static FUnknown *pc_add(void *s, const ParamID *id, int32_t *i) { (void)s; (void)id; (void)i; return NULL; }
static const IParameterChangesVtbl pcVtbl = {nq, one, one, pc_count, pc_get, pc_add};

typedef struct { const IEventListVtbl *vtbl; Event *e; int n; } elist;
static int32_t el_count(void *s) { return ((elist *)s)->n; }
static tresult el_get(void *s, int32_t i, Event *e) { *e = ((elist *)s)->e[i]; return kResultOk; }
static tresult el_add(void *s, Event *e) { (void)s; (void)e; return kResultFalse; }
static const IEventListVtbl elVtbl = {nq, one, one, el_count, el_get, el_add};

static int edits;
static tresult ch_begin(void *s, ParamID id) { (void)s; (void)id; return kResultOk; }
static tresult ch_perform(void *s, ParamID id, ParamValue v) { (void)s; (void)id; (void)v; edits++; return kResultOk; }
static tresult ch_restart(void *s, int32_t f) { (void)s; (void)f; return kResultOk; }
static const IComponentHandlerVtbl chVtbl = {nq, one, one, ch_begin, ch_perform, ch_begin, ch_restart};
static struct { const IComponentHandlerVtbl *vtbl; } handler = {&chVtbl};

typedef struct { const IAttributeListVtbl *vtbl; char keys[8][40]; int64_t vals[8]; int n; } attrs;
static tresult at_setint(void *s, const char *id, int64_t v) {
    attrs *a = s; for (int i = 0; i < a->n; i++) if (!strcmp(a->keys[i], id)) { a->vals[i] = v; return kResultOk; }
    if (a->n == 8) return kOutOfMemory;
    snprintf(a->keys[a->n], 40, "%s", id); a->vals[a->n++] = v; return kResultOk;
}
static tresult at_getint(void *s, const char *id, int64_t *v) {
    attrs *a = s; for (int i = 0; i < a->n; i++) if (!strcmp(a->keys[i], id)) { *v = a->vals[i]; return kResultOk; }
    return kResultFalse;
}
static tresult at_nf(void) { return kNotImplemented; }
static const IAttributeListVtbl atVtbl = {nq, one, one, at_setint, at_getint, (void *)at_nf, (void *)at_nf, (void *)at_nf, (void *)at_nf, (void *)at_nf, (void *)at_nf};
typedef struct { const IMessageVtbl *vtbl; const char *id; attrs a; } message;
static const char *m_id(void *s) { return ((message *)s)->id; }
static void m_setid(void *s, const char *id) { ((message *)s)->id = id; }
static FUnknown *m_attrs(void *s) { return (FUnknown *)&((message *)s)->a; }
static const IMessageVtbl mVtbl = {nq, one, one, m_id, m_setid, m_attrs};
static int64_t notify(FUnknown *cp, const char *id, const char *key, int64_t value, const char *want) {
    message m = {&mVtbl, id, {&atVtbl, {{0}}, {0}, 0}};
    if (key) at_setint(&m.a, key, value);
    tresult r = ((const IConnectionPointVtbl *)cp->vtbl)->notify(cp, (FUnknown *)&m);
    int64_t out = -1;
    if (r == kResultOk && want) at_getint(&m.a, want, &out);
    return r == kResultOk ? (want ? out : 0) : -1;
}

/* ---------- the plugin as a host holds it ---------- */
typedef struct {
    void *lib;
    FUnknown *factory;
    FUnknown *comp; const IComponentVtbl *c;
    FUnknown *proc; const IAudioProcessorVtbl *p;
    FUnknown *ctrl; const IEditControllerVtbl *e;
    FUnknown *pcp, *ccp;
} plugin;

static TUID PCID, CCID;

/* A host's connection proxy (as Ardour and the SDK's hosting code use): forwards messages, hides the other side. */
typedef struct { const IConnectionPointVtbl *vtbl; FUnknown *target; } proxy;
static tresult px_connect(void *s, FUnknown *o) { (void)s; (void)o; return kResultOk; }
static tresult px_notify(void *s, FUnknown *m) { FUnknown *t = ((proxy *)s)->target; return ((const IConnectionPointVtbl *)t->vtbl)->notify(t, m); }
static const IConnectionPointVtbl pxVtbl = {nq, one, one, px_connect, px_connect, px_notify};
static proxy toController = {&pxVtbl, NULL}, toProcessor = {&pxVtbl, NULL};

static int create_plugin_via(FUnknown *f, plugin *pl, int viaProxy);
static int create_plugin(FUnknown *f, plugin *pl) { return create_plugin_via(f, pl, 0); }
static int create_plugin_via(FUnknown *f, plugin *pl, int viaProxy) {
    const IPluginFactory3Vtbl *fv = (const IPluginFactory3Vtbl *)f->vtbl;
    pl->factory = f;
    if (fv->createInstance(f, (const char *)PCID, (const char *)iid(AF_IID_ICOMPONENT), (void **)&pl->comp) != kResultOk) return 0;
    pl->c = (const IComponentVtbl *)pl->comp->vtbl;
    if (pl->c->queryInterface(pl->comp, iid(AF_IID_IAUDIOPROCESSOR), (void **)&pl->proc) != kResultOk) return 0;
    pl->p = (const IAudioProcessorVtbl *)pl->proc->vtbl;
    if (fv->createInstance(f, (const char *)CCID, (const char *)iid(AF_IID_IEDITCONTROLLER), (void **)&pl->ctrl) != kResultOk) return 0;
    pl->e = (const IEditControllerVtbl *)pl->ctrl->vtbl;
    if (pl->c->initialize(pl->comp, NULL) != kResultOk || pl->e->initialize(pl->ctrl, NULL) != kResultOk) return 0;
    if (pl->c->queryInterface(pl->comp, iid(AF_IID_ICONNECTIONPOINT), (void **)&pl->pcp) != kResultOk) return 0;
    if (pl->e->queryInterface(pl->ctrl, iid(AF_IID_ICONNECTIONPOINT), (void **)&pl->ccp) != kResultOk) return 0;
    if (viaProxy) {
        toController.target = pl->ccp;
        toProcessor.target = pl->pcp;
        ((const IConnectionPointVtbl *)pl->pcp->vtbl)->connect(pl->pcp, (FUnknown *)&toController);
        ((const IConnectionPointVtbl *)pl->ccp->vtbl)->connect(pl->ccp, (FUnknown *)&toProcessor);
    } else {
        ((const IConnectionPointVtbl *)pl->pcp->vtbl)->connect(pl->pcp, pl->ccp);
        ((const IConnectionPointVtbl *)pl->ccp->vtbl)->connect(pl->ccp, pl->pcp);
    }
    pl->e->setComponentHandler(pl->ctrl, (FUnknown *)&handler);
    return 1;
}

static void destroy_plugin(plugin *pl) {
    ((const IConnectionPointVtbl *)pl->pcp->vtbl)->disconnect(pl->pcp, pl->ccp);
    ((const IConnectionPointVtbl *)pl->ccp->vtbl)->disconnect(pl->ccp, pl->pcp);
    pl->pcp->vtbl->release(pl->pcp);
    pl->ccp->vtbl->release(pl->ccp);
    pl->e->terminate(pl->ctrl);
    pl->c->terminate(pl->comp);
    pl->p->release(pl->proc);
    pl->c->release(pl->comp);
    pl->e->release(pl->ctrl);
    memset(pl, 0, sizeof *pl);
}

static int64_t java_id(plugin *pl) { return notify(pl->pcp, "AceForge.debug.stats", NULL, 0, "javaId"); }

/* ---------- audio buffers in 32 or 64 bit ---------- */
typedef struct {
    int size64, block;
    double rate;
    float *fi[2], *fo[2];
    double *di[2], *dout[2];
    AudioBusBuffers in, out;
    ProcessContext ctx;
    ProcessData d;
} audio;

static void audio_init(audio *a, int block, int size64, double rate) {
    memset(a, 0, sizeof *a);
    a->size64 = size64; a->block = block; a->rate = rate;
    for (int c = 0; c < 2; c++) {
        if (size64) { a->di[c] = calloc(block, sizeof(double)); a->dout[c] = calloc(block, sizeof(double)); }
        else { a->fi[c] = calloc(block, sizeof(float)); a->fo[c] = calloc(block, sizeof(float)); }
    }
    a->in.numChannels = a->out.numChannels = 2;
    if (size64) { a->in.channelBuffers64 = a->di; a->out.channelBuffers64 = a->dout; }
    else { a->in.channelBuffers32 = a->fi; a->out.channelBuffers32 = a->fo; }
    a->ctx.state = kPlaying | kTempoValid | kTimeSigValid;
    a->ctx.sampleRate = rate; a->ctx.tempo = 120; a->ctx.timeSigNumerator = 4; a->ctx.timeSigDenominator = 4;
    a->d = (ProcessData){0, size64 ? kSample64 : kSample32, block, 1, 1, &a->in, &a->out, NULL, NULL, NULL, NULL, &a->ctx};
}
static void audio_free(audio *a) { for (int c = 0; c < 2; c++) { free(a->fi[c]); free(a->fo[c]); free(a->di[c]); free(a->dout[c]); } }
static double in_s(const audio *a, int c, int i) { return a->size64 ? a->di[c][i] : a->fi[c][i]; }
static double out_s(const audio *a, int c, int i) { return a->size64 ? a->dout[c][i] : a->fo[c][i]; }
static void set_in(audio *a, int c, int i, double v) { if (a->size64) a->di[c][i] = v; else a->fi[c][i] = (float)v; }

/* Input: 440 Hz left, 660 Hz right at the given project position. */
static void audio_sine(audio *a, int64_t pos) {
    for (int i = 0; i < a->block; i++) {
        double t = (double)(pos + i) / a->rate;
        set_in(a, 0, i, 0.5 * sin(2 * M_PI * 440 * t));
        set_in(a, 1, i, 0.25 * sin(2 * M_PI * 660 * t));
    }
}
static tresult audio_process(plugin *pl, audio *a, int64_t pos, void *params, void *events) {
    a->ctx.projectTimeSamples = pos;
    a->d.inputParameterChanges = params;
    a->d.inputEvents = events;
    return pl->p->process(pl->proc, &a->d);
}
/* 1 if every output sample is gain·input (within float precision, or exactly when exact is set). */
static int audio_is_gain(const audio *a, double gain, int exact) {
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < a->block; i++) {
            double want = gain * in_s(a, c, i), got = out_s(a, c, i);
            if (exact ? got != want : fabs(got - want) > 1e-4) return 0;
        }
    return 1;
}
static int audio_finite(const audio *a) {
    for (int c = 0; c < 2; c++) for (int i = 0; i < a->block; i++) if (!isfinite(out_s(a, c, i))) return 0;
    return 1;
}

static int setup(plugin *pl, double rate, int block, int size64) {
    SpeakerArrangement st = kSpeakerStereo;
    if (pl->p->setBusArrangements(pl->proc, &st, 1, &st, 1) != kResultOk) return 0;
    ProcessSetup s = {0, size64 ? kSample64 : kSample32, block, rate};
    if (pl->p->setupProcessing(pl->proc, &s) != kResultOk) return 0;
    if (pl->c->setActive(pl->comp, 1) != kResultOk) return 0;
    return pl->p->setProcessing(pl->proc, 1) == kResultOk;
}
static void teardown(plugin *pl) { pl->p->setProcessing(pl->proc, 0); pl->c->setActive(pl->comp, 0); }

/* Runs blocks of a sine through the plugin, checking out = gain·in; returns the mean time per block. */
static double run_blocks(plugin *pl, double rate, int block, int blocks, double gain, pchanges *params, elist *events, int *ok, int size64) {
    audio a;
    audio_init(&a, block, size64, rate);
    double total = 0;
    *ok = 1;
    for (int b = 0; b < blocks; b++) {
        audio_sine(&a, (int64_t)b * block);
        double t0 = now();
        tresult r = audio_process(pl, &a, (int64_t)b * block, b == 0 ? (void *)params : NULL, b == 0 ? (void *)events : NULL);
        total += now() - t0;
        if (r != kResultOk || !audio_is_gain(&a, gain, 0)) *ok = 0;
    }
    audio_free(&a);
    return total / blocks;
}

/* ---------- the audio thread: process() on its own thread, tripwire armed ---------- */
typedef struct {
    plugin *pl;
    double rate, seconds, gain;
    int block, blocks;
    /* out */
    int ok, count, attached;
    long allocs, locks;
    double mean, worst;
} rt_job;

static int thread_attached_to_jvm(void) {
    jint (*getVMs)(JavaVM **, jsize, jsize *) = (jint (*)(JavaVM **, jsize, jsize *))dlsym(RTLD_DEFAULT, "JNI_GetCreatedJavaVMs");
    JavaVM *vm;
    jsize n = 0;
    if (!getVMs || getVMs(&vm, 1, &n) != JNI_OK || n == 0) return 0;
    JNIEnv *env;
    return (*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) == JNI_OK;
}

static void *rt_thread(void *arg) {
    rt_job *j = arg;
    audio a;
    audio_init(&a, j->block, 0, j->rate);
    long a0 = atomic_load(&tw_allocs), l0 = atomic_load(&tw_locks);
    double start = now(), total = 0;
    j->ok = 1;
    for (int b = 0; j->blocks ? b < j->blocks : now() - start < j->seconds; b++) {
        audio_sine(&a, (int64_t)b * j->block);
        double t0 = now();
        tw_armed = 1;
        tresult r = audio_process(j->pl, &a, (int64_t)b * j->block, NULL, NULL);
        tw_armed = 0;
        double dt = now() - t0;
        total += dt;
        if (dt > j->worst) j->worst = dt;
        if (r != kResultOk || !audio_is_gain(&a, j->gain, 0)) j->ok = 0;
        j->count++;
    }
    j->allocs = atomic_load(&tw_allocs) - a0;
    j->locks = atomic_load(&tw_locks) - l0;
    j->mean = total / (j->count ? j->count : 1);
    j->attached = thread_attached_to_jvm();
    audio_free(&a);
    return NULL;
}

static void rt_run(rt_job *j) {
    pthread_t t;
    pthread_create(&t, NULL, rt_thread, j);
    pthread_join(t, NULL);
}

/* The audio thread's contract, checked from every side the test host can see. */
static void check_rt(plugin *pl, rt_job *j, const char *what) {
    if (tripwire) {
        CHECK(j->allocs == 0, "no allocation on the audio thread (%s): %ld malloc/free calls inside process()", what, j->allocs);
        CHECK(j->locks == 0, "no lock on the audio thread (%s): %ld lock calls inside process()", what, j->locks);
    }
    CHECK(!j->attached, "the audio thread never entered Java (%s): it is attached to the JVM", what);
    CHECK(notify(pl->pcp, "AceForge.debug.stats", NULL, 0, "audioThreadJavaCalls") == 0, "no Java call from process() (%s)", what);
}

/* ---------- state blobs ---------- */
static mstream blob(const void *data, size_t len) {
    mstream m = {&msVtbl, malloc(len + 1), (int64_t)len, (int64_t)len + 1, 0};
    if (len) memcpy(m.buf, data, len);
    return m;
}
/* "AFST" + version + (count) + params + payload, as the shim writes it (v2) or wrote it (v1). */
static mstream header_blob(int32_t version, int32_t count, const double *params, int nparams, const char *payload, size_t plen) {
    char buf[64 + 8 * 64];
    size_t n = 0;
    memcpy(buf, "AFST", 4); n = 4;
    memcpy(buf + n, &version, 4); n += 4;
    if (version != 1) { memcpy(buf + n, &count, 4); n += 4; }
    for (int i = 0; i < nparams; i++) { memcpy(buf + n, &params[i], 8); n += 8; }
    mstream m = {&msVtbl, malloc(n + plen + 1), (int64_t)(n + plen), (int64_t)(n + plen + 1), 0};
    memcpy(m.buf, buf, n);
    if (plen) memcpy(m.buf + n, payload, plen);
    return m;
}
static double nan_bits(uint64_t bits) { double d; memcpy(&d, &bits, 8); return d; }

/* The state this plugin writes must be a v2 header with finite in-range parameters (or a refused blob verbatim). */
static int state_is_sane(plugin *pl, const mstream *given, int *refusedVerbatim) {
    mstream out = {&msVtbl, NULL, 0, 0, 0};
    *refusedVerbatim = 0;
    if (pl->c->getState(pl->comp, (FUnknown *)&out) != kResultOk) { free(out.buf); return 0; }
    int ok = out.len >= 12 + 8 * 3 && !memcmp(out.buf, "AFST", 4);
    if (ok) {
        int32_t v, count;
        memcpy(&v, out.buf + 4, 4);
        memcpy(&count, out.buf + 8, 4);
        if (v != 2 && given && out.len == given->len && !memcmp(out.buf, given->buf, (size_t)out.len)) *refusedVerbatim = 1;
        else {
            ok = v == 2 && count == 3;
            for (int i = 0; ok && i < 3; i++) {
                double p;
                memcpy(&p, out.buf + 12 + 8 * i, 8);
                ok = isfinite(p) && p >= 0 && p <= 1;
            }
        }
    }
    free(out.buf);
    return ok;
}

/* ---------- editor under X11 ---------- */
static void editor_test(FUnknown *ctrl) {
    if (!getenv("DISPLAY")) { printf("editor: skipped (no DISPLAY)\n"); return; }
    void *x = dlopen("libX11.so.6", RTLD_NOW);
    if (!x) { printf("editor: skipped (no libX11)\n"); return; }
    void *(*open)(const char *) = dlsym(x, "XOpenDisplay");
    unsigned long (*root)(void *) = dlsym(x, "XDefaultRootWindow");
    unsigned long (*create)(void *, unsigned long, int, int, unsigned, unsigned, unsigned, unsigned long, unsigned long) = dlsym(x, "XCreateSimpleWindow");
    int (*map)(void *, unsigned long) = dlsym(x, "XMapWindow");
    int (*flush)(void *) = dlsym(x, "XFlush");
    int (*destroy)(void *, unsigned long) = dlsym(x, "XDestroyWindow");
    int (*close)(void *) = dlsym(x, "XCloseDisplay");
    void *dpy = open(NULL);
    if (!dpy) { printf("editor: skipped (cannot open DISPLAY)\n"); return; }
    unsigned long win = create(dpy, root(dpy), 0, 0, 640, 200, 0, 0, 0xffffff);
    map(dpy, win);
    flush(dpy);
    const IEditControllerVtbl *e = (const IEditControllerVtbl *)ctrl->vtbl;
    FUnknown *view = e->createView(ctrl, "editor");
    CHECK(view != NULL, "createView(editor)");
    if (view) {
        const IPlugViewVtbl *v = (const IPlugViewVtbl *)view->vtbl;
        CHECK(v->isPlatformTypeSupported(view, "X11EmbedWindowID") == kResultTrue, "X11 embedding supported");
        ViewRect r;
        CHECK(v->getSize(view, &r) == kResultOk && r.right > 0 && r.bottom > 0, "view size");
        CHECK(v->attached(view, (void *)win, "X11EmbedWindowID") == kResultOk, "attached");
        const char *shot = getenv("ACEFORGE_EDITOR_WAIT_MS");
        usleep((useconds_t)(shot ? atoi(shot) : 1500) * 1000);
        CHECK(v->removed(view) == kResultOk, "removed");
        v->release(view);
    }
    destroy(dpy, win);
    close(dpy);
}

/* --foreign-jvm: a JVM already runs in the host process (as with another Java plugin) before AceForge starts. */
typedef jint (*CreateVM)(JavaVM **, void **, void *);
static CreateVM createVm;
static jint foreignResult = -1;
static void *foreign_thread(void *unused) {
    (void)unused;
    JavaVMOption opt[1] = {{"-Xrs", NULL}};
    JavaVMInitArgs args = {JNI_VERSION_10, 1, opt, JNI_FALSE};
    JavaVM *jvm;
    JNIEnv *env;
    foreignResult = createVm(&jvm, (void **)&env, &args);
    if (foreignResult == JNI_OK) (*jvm)->DetachCurrentThread(jvm);
    return NULL;
}
static int start_foreign_jvm(void) {
    const char *home = getenv("JAVA_HOME");
    char path[4096];
    snprintf(path, sizeof path, "%s/lib/server/libjvm.so", home ? home : "/usr/lib/jvm/default-java");
    void *lib = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    if (!lib || !(createVm = (CreateVM)dlsym(lib, "JNI_CreateJavaVM"))) return 0;
    pthread_t t;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 8u << 20);
    pthread_create(&t, &a, foreign_thread, NULL);
    pthread_join(t, NULL);
    return foreignResult == JNI_OK;
}

/* ---------- loading a module the way a host does ---------- */
typedef struct { void *lib; _Bool (*entry)(void *); _Bool (*exitf)(void); FUnknown *(*getFactory)(void); } module;

static int load_module(const char *bundle, module *m) {
    char so[4096], name[256];
    const char *base = strrchr(bundle, '/');
    snprintf(name, sizeof name, "%s", base ? base + 1 : bundle);
    char *dot = strstr(name, ".vst3");
    if (dot) *dot = 0;
    snprintf(so, sizeof so, "%s/Contents/x86_64-linux/%s.so", bundle, name);
    memset(m, 0, sizeof *m);
    m->lib = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    if (!m->lib) { printf("dlopen %s: %s\n", so, dlerror()); return 0; }
    m->entry = (_Bool (*)(void *))dlsym(m->lib, "ModuleEntry");
    m->exitf = (_Bool (*)(void))dlsym(m->lib, "ModuleExit");
    m->getFactory = (FUnknown * (*)(void)) dlsym(m->lib, "GetPluginFactory");
    return m->entry && m->exitf && m->getFactory && m->entry(m->lib);
}
static void unload_module(module *m) {
    if (m->exitf) m->exitf();
    if (m->lib) dlclose(m->lib);
    memset(m, 0, sizeof *m);
}

/* Uses an instance the way a session does: a state round trip through Java, audio, a clip placed from Java. */
static int use_instance(plugin *pl, const char *tag) {
    int ok = 1;
    const char *json = "{\"format\":\"aceforge-plugin-state\",\"version\":1,\"settings\":{\"caption\":\"copies\"}}";
    double params[3] = {1.0, 54.0 / 72.0, 0.0};
    mstream in = header_blob(2, 3, params, 3, json, strlen(json));
    int setOk = pl->c->setState(pl->comp, (FUnknown *)&in) == kResultOk;
    mstream out = {&msVtbl, NULL, 0, 0, 0};
    int getOk = pl->c->getState(pl->comp, (FUnknown *)&out) == kResultOk && out.len > 36 && memmem(out.buf, (size_t)out.len, "copies", 6);
    free(in.buf);
    free(out.buf);
    int64_t placed = notify(pl->pcp, "AceForge.debug.clip", "value", 250, "placed");
    setup(pl, 48000, 256, 0);
    audio a;
    audio_init(&a, 256, 0, 48000);
    audio_sine(&a, 0);
    tresult pr = audio_process(pl, &a, 0, NULL, NULL);
    double got = out_s(&a, 0, 5), want = 0.25 * pow(10, -6 / 20.0);
    int audioOk = pr == kResultOk && fabs(got - want) < 1e-5;
    audio_free(&a);
    teardown(pl);
    ok = setOk && getOk && placed == 1 && audioOk;
    /* Which part failed, so that a failure seen once (say on a loaded CI machine) can be told apart. */
    if (!ok) printf("use of instance %s failed: setState %s, getState %s, clip placed %lld, process %s, sample 5 = %.6f (want %.6f)\n",
                    tag, setOk ? "ok" : "FAILED", getOk ? "ok" : "FAILED", (long long)placed, pr == kResultOk ? "ok" : "FAILED", got, want);
    return ok;
}

/*
 * --copies BUNDLE2 STEPS: two copies of the module from two paths, driven by steps separated by spaces:
 * +A/+B load, iA create an instance, jA start its Java, sA give it a state with Java content (Java starts in the
 * background), uA use it, xA release it, -A ModuleExit + dlclose, w wait 3 s.
 */
/* Each step runs on a thread of its own, as hosts call from several threads: a thread that Java saw and that ends
 * after the copy it came through was unloaded must not run code of that copy (thread-exit hooks, JVM hooks). */
typedef struct { const char *step; module *mod; plugin *pl; const char **bundles; int linger; _Atomic int done; } step_job;
static pthread_mutex_t lingerLock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lingerCond = PTHREAD_COND_INITIALIZER;
static int lingerRelease;
static void *copies_step(void *arg);
static int run_copies(const char *bundleA, const char *bundleB, const char *steps) {
    module mod[2] = {{0}};
    plugin pl[2] = {{0}};
    const char *bundles[2] = {bundleA, bundleB};
    char *copy = strdup(steps), *save = NULL;
    pthread_t lingering[16];
    step_job jobs[16];
    int nl = 0;
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        step_job job = {t, mod, pl, bundles, 0, 0};
        pthread_t th;
        if (t[0] == 'j' && nl < 16) {
            /* The thread that started Java for this copy lives on until after the copy may have been unloaded. */
            jobs[nl] = job;
            jobs[nl].linger = 1;
            pthread_create(&lingering[nl], NULL, copies_step, &jobs[nl]);
            while (!atomic_load(&jobs[nl].done)) usleep(1000);
            nl++;
            continue;
        }
        pthread_create(&th, NULL, copies_step, &job);
        pthread_join(th, NULL);
    }
    pthread_mutex_lock(&lingerLock);
    lingerRelease = 1;
    pthread_cond_broadcast(&lingerCond);
    pthread_mutex_unlock(&lingerLock);
    for (int i = 0; i < nl; i++) pthread_join(lingering[i], NULL);
    free(copy);
    for (int k = 0; k < 2; k++) if (pl[k].comp) destroy_plugin(&pl[k]);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
static void *copies_step(void *arg) {
    step_job *jb = arg;
    module *mod = jb->mod;
    plugin *pl = jb->pl;
    const char **bundles = jb->bundles;
    const char *t = jb->step;
    {
        int k = t[1] == 'B';
        char op = t[0];
        if (op == '+') {
            CHECK(load_module(bundles[k], &mod[k]), "%s: load copy %c", t, 'A' + k);
        } else if (op == 'i') {
            CHECK(mod[k].lib && create_plugin(mod[k].getFactory(), &pl[k]), "%s: an instance in copy %c", t, 'A' + k);
        } else if (op == 'j') {
            CHECK(pl[k].pcp && notify(pl[k].pcp, "AceForge.debug.java", NULL, 0, "javaId") > 0, "%s: Java serves copy %c", t, 'A' + k);
        } else if (op == 'u') {
            CHECK(pl[k].pcp && use_instance(&pl[k], t), "%s: copy %c works (state through Java, clip from Java, audio)", t, 'A' + k);
        } else if (op == 's') {
            /* A project's state with Java content: Java starts on the shim's own thread; the host goes on at once. */
            const char *json = "{\"format\":\"aceforge-plugin-state\",\"version\":1,\"settings\":{\"caption\":\"async\"}}";
            double params[3] = {1.0, 60.0 / 72.0, 0.0};
            mstream in = header_blob(2, 3, params, 3, json, strlen(json));
            CHECK(pl[k].comp && pl[k].c->setState(pl[k].comp, (FUnknown *)&in) == kResultOk, "%s: a state with Java content", t);
            free(in.buf);
        } else if (op == 'w') {
            sleep(3);   /* whatever the shim started in the background runs on meanwhile */
            passed++;
        } else if (op == 'x') {
            if (pl[k].comp) destroy_plugin(&pl[k]);
            passed++;
        } else if (op == '-') {
            unload_module(&mod[k]);
            passed++;
        }
    }
    atomic_store(&jb->done, 1);
    if (jb->linger) {
        pthread_mutex_lock(&lingerLock);
        while (!lingerRelease) pthread_cond_wait(&lingerCond, &lingerLock);
        pthread_mutex_unlock(&lingerLock);
    }
    return NULL;
}

/* --bench [LABEL]: the figures of docs/benchmarks.md for one bundle (works with any VST3 build of AceForge). */
static int cmp_double(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }
static int run_bench(const char *bundle, const char *label) {
    double t0 = now();
    module m;
    if (!load_module(bundle, &m)) return 1;
    FUnknown *f = m.getFactory();
    PClassInfo2 ci;
    for (int i = 0; i < 2; i++) ((const IPluginFactory3Vtbl *)f->vtbl)->getClassInfo2(f, i, &ci);
    double scan = now() - t0;
    t0 = now();
    plugin pl;
    if (!create_plugin(f, &pl)) return 1;
    double first = now() - t0;
    t0 = now();
    for (int i = 0; i < 20; i++) { plugin q; create_plugin(f, &q); destroy_plugin(&q); }
    double each = (now() - t0) / 20;
    setup(&pl, 48000, 64, 0);
    double runs[5];
    for (int r = 0; r < 5; r++) {
        rt_job j = {&pl, 48000, 0, 1.0, 64, 20000, 0, 0, 0, 0, 0, 0, 0};
        rt_run(&j);
        runs[r] = j.mean;
    }
    qsort(runs, 5, sizeof runs[0], cmp_double);
    teardown(&pl);
    printf("bench %s: scan %.3f ms | first instance %.3f ms | instance create+release %.3f ms | process() 64 frames %.2f us (median of 5 x 20000 blocks)\n",
           label, scan * 1e3, first * 1e3, each * 1e3, runs[2] * 1e6);
    destroy_plugin(&pl);
    return 0;
}

static int log_contains(const char *text) {
    const char *state = getenv("XDG_STATE_HOME");
    char path[4096];
    snprintf(path, sizeof path, "%s/aceforge/plugin.log", state ? state : ".");
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[8192];
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) found = strstr(line, text) != NULL;
    fclose(f);
    return found;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s BUNDLE.vst3 [--no-java-expected [TEXT] | --foreign-jvm | --rt-only | --copies BUNDLE2 STEPS]\n", argv[0]); return 2; }
    af_uid_to_tuid((af_uid){0x41636546, 0x6F726765, 0x50726F63, 0x30303031}, PCID);
    af_uid_to_tuid((af_uid){0x41636546, 0x6F726765, 0x4374726C, 0x30303031}, CCID);
    const char *mode = argc > 2 ? argv[2] : "";
    if (!strcmp(mode, "--copies") && argc > 4) return run_copies(argv[1], argv[3], argv[4]);
    if (!strcmp(mode, "--bench")) return run_bench(argv[1], argc > 3 ? argv[3] : "");
    int expectJava = strcmp(mode, "--no-java-expected") != 0;
    const char *expectError = !expectJava && argc > 3 ? argv[3] : NULL;
    int foreign = !strcmp(mode, "--foreign-jvm");
    int rtOnly = !strcmp(mode, "--rt-only");
    if (foreign) CHECK(start_foreign_jvm(), "a foreign JVM started in the host process (JAVA_HOME)");

    /* Scan: what a host does to list the plugin. Java must not start here. */
    double t0 = now();
    module m;
    CHECK(load_module(argv[1], &m), "dlopen + the three entry points + ModuleEntry");
    if (!m.lib) { printf("%d passed, %d failed\n", passed, failed); return 1; }
    FUnknown *f = m.getFactory();
    const IPluginFactory3Vtbl *fv = (const IPluginFactory3Vtbl *)f->vtbl;
    PFactoryInfo fi;
    CHECK(fv->getFactoryInfo(f, &fi) == kResultOk && !strcmp(fi.vendor, "AceForge"), "factory info");
    CHECK(fv->countClasses(f) == 2, "two classes (processor, controller)");
    PClassInfo ci;
    PClassInfo2 ci2;
    PClassInfoW ciw;
    CHECK(fv->getClassInfo(f, 0, &ci) == kResultOk && !strcmp(ci.category, "Audio Module Class"), "class 0 category");
    CHECK(fv->getClassInfo(f, 1, &ci) == kResultOk && !strcmp(ci.category, "Component Controller Class"), "class 1 category");
    CHECK(fv->getClassInfo(f, 2, &ci) != kResultOk, "class index 2 rejected");
    void *f3;
    CHECK(fv->queryInterface(f, iid(AF_IID_IPLUGINFACTORY3), &f3) == kResultOk, "IPluginFactory3");
    CHECK(fv->getClassInfo2(f, 0, &ci2) == kResultOk && strstr(ci2.subCategories, "Fx"), "class info 2");
    CHECK(fv->getClassInfoUnicode(f, 0, &ciw) == kResultOk && ciw.name[0] == 'A', "unicode class info");
    printf("figure: scan (dlopen + ModuleEntry + factory + class info) %.3f ms\n", (now() - t0) * 1e3);

    /* Instances as hosts (and Ardour's scanner) create them: no JVM. */
    t0 = now();
    plugin pl;
    CHECK(create_plugin(f, &pl), "create, initialize and connect processor and controller");
    printf("figure: first instance: create + initialize + connect %.3f ms (no JVM)\n", (now() - t0) * 1e3);
    CHECK(java_id(&pl) == 0, "creating an instance does not start Java");
    if (!foreign) CHECK(dlopen("libjvm.so", RTLD_NOW | RTLD_NOLOAD) == NULL, "no JVM in the process after creating an instance");
    t0 = now();
    for (int i = 0; i < 20; i++) { plugin q; create_plugin(f, &q); destroy_plugin(&q); }
    printf("figure: instance create + initialize + connect + release %.3f ms (mean of 20, no JVM)\n", (now() - t0) * 1e3 / 20);
    TUID got;
    CHECK(pl.c->getControllerClassId(pl.comp, got) == kResultOk && !memcmp(got, CCID, 16), "controller class id");

    if (rtOnly) {
        /* A deliberately broken build: start Java, then let the audio thread run; the checks must fail. */
        notify(pl.pcp, "AceForge.debug.java", NULL, 0, "javaId");
        setup(&pl, 48000, 64, 0);
        rt_job j = {&pl, 48000, 0, 1.0, 64, 200, 0, 0, 0, 0, 0, 0, 0};
        rt_run(&j);
        check_rt(&pl, &j, "broken build");
        teardown(&pl);
        printf("%d passed, %d failed\n", passed, failed);
        fflush(stdout);
        _exit(failed ? 1 : 0);
    }

    /* Process-context requirements: exactly what process() reads. */
    FUnknown *req = NULL;
    CHECK(pl.c->queryInterface(pl.comp, iid(AF_IID_IPROCESSCONTEXTREQUIREMENTS), (void **)&req) == kResultOk && req,
          "IProcessContextRequirements");
    if (req) {
        uint32_t flags = ((const IProcessContextRequirementsVtbl *)req->vtbl)->getProcessContextRequirements(req);
        CHECK(flags == (kNeedTempo | kNeedTimeSignature | kNeedTransportState), "requires tempo, time signature, transport (0x%x)", flags);
        req->vtbl->release(req);
    }

    /* Buses and arrangements. */
    CHECK(pl.c->getBusCount(pl.comp, kAudio, kInput) == 1 && pl.c->getBusCount(pl.comp, kAudio, kOutput) == 1, "one stereo bus each way");
    CHECK(pl.c->getBusCount(pl.comp, kEvent, kInput) == 1 && pl.c->getBusCount(pl.comp, kEvent, kOutput) == 0, "a note input bus, no event output");
    BusInfo bi;
    CHECK(pl.c->getBusInfo(pl.comp, kAudio, kOutput, 0, &bi) == kResultOk && bi.channelCount == 2 && bi.busType == kMain, "output bus info");
    CHECK(pl.c->getBusInfo(pl.comp, kAudio, kOutput, 1, &bi) == kInvalidArgument, "bus index 1 rejected");
    CHECK(pl.c->getBusInfo(pl.comp, kEvent, kOutput, 0, &bi) == kInvalidArgument, "no event output bus info");
    CHECK(pl.c->activateBus(pl.comp, kAudio, kInput, 0, 1) == kResultOk && pl.c->activateBus(pl.comp, kAudio, kInput, 3, 1) != kResultOk, "activateBus");
    SpeakerArrangement mono = 1, st = kSpeakerStereo, arr = 0;
    CHECK(pl.p->setBusArrangements(pl.proc, &mono, 1, &mono, 1) == kResultFalse, "mono arrangement refused");
    CHECK(pl.p->setBusArrangements(pl.proc, &st, 1, &st, 1) == kResultOk, "stereo arrangement accepted");
    CHECK(pl.p->getBusArrangement(pl.proc, kOutput, 0, &arr) == kResultOk && arr == kSpeakerStereo, "getBusArrangement");
    CHECK(pl.p->canProcessSampleSize(pl.proc, kSample32) == kResultOk, "32-bit processing");
    CHECK(pl.p->canProcessSampleSize(pl.proc, kSample64) == kResultOk, "64-bit processing");
    CHECK(pl.p->getLatencySamples(pl.proc) == 0 && pl.p->getTailSamples(pl.proc) == 0, "no latency, no tail");

    /* Parameters, bypass among them. */
    CHECK(pl.e->getParameterCount(pl.ctrl) == 3, "three parameters");
    ParameterInfo pi;
    CHECK(pl.e->getParameterInfo(pl.ctrl, 1, &pi) == kResultOk && pi.id == 1 && (pi.flags & kCanAutomate), "gain is automatable");
    CHECK(pl.e->getParameterInfo(pl.ctrl, 2, &pi) == kResultOk && (pi.flags & kIsBypass) && pi.stepCount == 1 && pi.defaultNormalizedValue == 0,
          "a bypass parameter (kIsBypass, a switch, off)");
    CHECK(pl.e->getParameterInfo(pl.ctrl, 3, &pi) == kInvalidArgument, "parameter index 3 rejected");
    char16 str[128];
    CHECK(pl.e->getParamStringByValue(pl.ctrl, 1, 60.0 / 72.0, str) == kResultOk && str[0] == '0', "0 dB string");
    CHECK(pl.e->getParamStringByValue(pl.ctrl, 2, 1.0, str) == kResultOk && str[0] == 'O' && str[1] == 'n', "bypass On string");
    CHECK(pl.e->setParamNormalized(pl.ctrl, 1, NAN) == kInvalidArgument && pl.e->setParamNormalized(pl.ctrl, 1, 2.0) == kInvalidArgument,
          "NaN or out-of-range parameter values are refused");
    CHECK(fabs(pl.e->plainParamToNormalized(pl.ctrl, 1, 0.0) - 60.0 / 72.0) < 1e-12 && fabs(pl.e->normalizedParamToPlain(pl.ctrl, 0, 0.5) - 50) < 1e-12, "plain/normalized");

    /* Odd calls hosts make: process before setup, zero samples with no buffers. */
    {
        audio a;
        audio_init(&a, 64, 0, 48000);
        audio_sine(&a, 0);
        CHECK(audio_process(&pl, &a, 0, NULL, NULL) == kResultOk && audio_is_gain(&a, 1.0, 0), "process() before setup passes audio through");
        ProcessData z = {0, kSample32, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
        CHECK(pl.p->process(pl.proc, &z) == kResultOk, "process() with 0 samples and no buses (parameter flush)");
        ProcessData bad = z;
        bad.symbolicSampleSize = 7;
        CHECK(pl.p->process(pl.proc, &bad) != kResultOk, "an unknown sample size is refused");
        audio_free(&a);
    }

    /* Audio at every rate, block size and sample size: passthrough (mix 1, 0 dB, nothing rendered). */
    double rates[] = {44100, 48000, 96000};
    int blocksizes[] = {32, 64, 128, 512, 1024, 4096};
    for (int size64 = 0; size64 < 2; size64++)
        for (int r = 0; r < 3; r++)
            for (int b = 0; b < 6; b++) {
                int ok;
                CHECK(setup(&pl, rates[r], blocksizes[b], size64), "setup %.0f Hz / %d / %d-bit", rates[r], blocksizes[b], size64 ? 64 : 32);
                run_blocks(&pl, rates[r], blocksizes[b], 40, 1.0, NULL, NULL, &ok, size64);
                CHECK(ok, "passthrough at %.0f Hz, block %d, %d-bit", rates[r], blocksizes[b], size64 ? 64 : 32);
                teardown(&pl);
            }

    {
        /* Blocks after setActive(false) (a host still flushing): no crash, audio passes through. */
        int okInactive;
        run_blocks(&pl, 48000, 128, 4, 1.0, NULL, NULL, &okInactive, 0);
        CHECK(okInactive, "process() while inactive passes audio through");
    }

    /* Notes and a parameter change (−6 dB) arriving in the first block. */
    int ok;
    setup(&pl, 48000, 256, 0);
    Event evn[2] = {{0}};
    evn[0].type = kNoteOnEvent; evn[0].noteOn.pitch = 60; evn[0].noteOn.velocity = 0.8f; evn[0].sampleOffset = 10;
    evn[1].type = kNoteOffEvent; evn[1].noteOff.pitch = 60; evn[1].sampleOffset = 200;
    elist events = {&elVtbl, evn, 2};
    pqueue q = {&pqVtbl, 1, 0, 54.0 / 72.0};
    pchanges pc = {&pcVtbl, &q, 1};
    run_blocks(&pl, 48000, 256, 8, pow(10, -6 / 20.0), &pc, &events, &ok, 0);
    CHECK(ok, "notes are accepted and a −6 dB gain change applies");
    CHECK(fabs(pl.e->getParamNormalized(pl.ctrl, 1) - 54.0 / 72.0) < 1e-9, "controller sees the automated value");
    teardown(&pl);

    /* Bypass: the input comes back bit for bit (64-bit), after a 10 ms crossfade; off again restores −6 dB. */
    {
        setup(&pl, 48000, 512, 1);
        audio a;
        audio_init(&a, 512, 1, 48000);
        pqueue on = {&pqVtbl, 2, 0, 1.0}, off = {&pqVtbl, 2, 0, 0.0};
        pchanges pon = {&pcVtbl, &on, 1}, poff = {&pcVtbl, &off, 1};
        int exact = 1;
        for (int b = 0; b < 6; b++) {
            audio_sine(&a, (int64_t)b * 512);
            audio_process(&pl, &a, (int64_t)b * 512, b == 0 ? &pon : NULL, NULL);
            if (b >= 1) exact &= audio_is_gain(&a, 1.0, 1);
        }
        CHECK(exact, "bypassed: the output is the input, exactly");
        CHECK(pl.e->getParamNormalized(pl.ctrl, 2) == 1.0, "the controller sees bypass on");
        int back = 1;
        for (int b = 6; b < 10; b++) {
            audio_sine(&a, (int64_t)b * 512);
            audio_process(&pl, &a, (int64_t)b * 512, b == 6 ? &poff : NULL, NULL);
            if (b >= 7) back &= audio_is_gain(&a, pow(10, -6 / 20.0), 0);
        }
        CHECK(back, "bypass off: the gain applies again");
        /* Silence flags: a silent input gives flagged silent outputs, a signal clears them. */
        for (int c = 0; c < 2; c++) for (int i = 0; i < 512; i++) set_in(&a, c, i, 0);
        audio_process(&pl, &a, 0, NULL, NULL);
        CHECK(a.out.silenceFlags == 3, "silent output channels are flagged (0x%llx)", (unsigned long long)a.out.silenceFlags);
        audio_sine(&a, 100);
        audio_process(&pl, &a, 0, NULL, NULL);
        CHECK(a.out.silenceFlags == 0, "sounding channels are not flagged");
        audio_free(&a);
        teardown(&pl);
    }

    /* State round trip: save, change, restore, save again → identical bytes and the old value. */
    mstream s1 = {&msVtbl, NULL, 0, 0, 0}, s2 = {&msVtbl, NULL, 0, 0, 0};
    CHECK(pl.c->getState(pl.comp, (FUnknown *)&s1) == kResultOk && s1.len == 36, "getState of an untouched plugin: the 36-byte header (%lld bytes)", (long long)s1.len);
    setup(&pl, 48000, 64, 0);
    pqueue q2 = {&pqVtbl, 1, 0, 0.1};
    pchanges pc2 = {&pcVtbl, &q2, 1};
    run_blocks(&pl, 48000, 64, 1, pow(10, (-60.0 + 72.0 * 0.1) / 20.0), &pc2, NULL, &ok, 0);
    teardown(&pl);
    s1.pos = 0;
    CHECK(pl.c->setState(pl.comp, (FUnknown *)&s1) == kResultOk, "setState");
    s1.pos = 0;
    CHECK(pl.e->setComponentState(pl.ctrl, (FUnknown *)&s1) == kResultOk, "controller setComponentState");
    CHECK(fabs(pl.e->getParamNormalized(pl.ctrl, 1) - 54.0 / 72.0) < 1e-9, "restored gain");
    CHECK(pl.c->getState(pl.comp, (FUnknown *)&s2) == kResultOk && s2.len == s1.len && !memcmp(s1.buf, s2.buf, (size_t)s1.len), "state round trip is exact");
    CHECK(java_id(&pl) == 0, "a state without Java content does not start Java");
    {
        /* Version 1 (0.1.0: mix, gain; no bypass) is migrated. */
        double v1[2] = {0.5, 48.0 / 72.0};
        mstream old = header_blob(1, 0, v1, 2, NULL, 0);
        CHECK(pl.c->setState(pl.comp, (FUnknown *)&old) == kResultOk, "a version 1 state is accepted");
        CHECK(fabs(pl.e->getParamNormalized(pl.ctrl, 0) - 0.5) < 1e-12 && fabs(pl.e->getParamNormalized(pl.ctrl, 1) - 48.0 / 72.0) < 1e-12
              && pl.e->getParamNormalized(pl.ctrl, 2) == 0.0, "version 1 values kept, bypass off");
        int refused;
        CHECK(state_is_sane(&pl, NULL, &refused) && !refused, "a migrated state is written as version 2");
        free(old.buf);
    }

    /* Java, first needed by a saved state with Java content: loaded asynchronously, the host thread does not wait. */
    plugin pj;
    CHECK(create_plugin_via(f, &pj, 1), "an instance connected through a host's proxies");
    {
        /* Linked through the proxy: the controller reports the processor's values and passes its own on. */
        int ok2;
        setup(&pj, 48000, 64, 0);
        pqueue qp = {&pqVtbl, 0, 0, 0.25};
        pchanges pcp = {&pcVtbl, &qp, 1};
        run_blocks(&pj, 48000, 64, 1, 1.0, &pcp, NULL, &ok2, 0);
        teardown(&pj);
        CHECK(fabs(pj.e->getParamNormalized(pj.ctrl, 0) - 0.25) < 1e-12, "through proxies the controller sees the processor's mix");
        CHECK(pj.e->setParamNormalized(pj.ctrl, 0, 1.0) == kResultOk, "setParamNormalized");
        mstream st = {&msVtbl, NULL, 0, 0, 0};
        pj.c->getState(pj.comp, (FUnknown *)&st);
        double mix = 0;
        if (st.len >= 20) memcpy(&mix, st.buf + 12, 8);
        CHECK(mix == 1.0, "a value the host set on the controller is in the processor's state before any block");
        free(st.buf);
    }
    {
        const char *json = "{\"format\":\"aceforge-plugin-state\",\"version\":1,\"settings\":{\"caption\":\"lazy java\"}}";
        double params[3] = {1.0, 60.0 / 72.0, 0.0};
        mstream st = header_blob(2, 3, params, 3, json, strlen(json));
        t0 = now();
        CHECK(pj.c->setState(pj.comp, (FUnknown *)&st) == kResultOk, "setState with Java content");
        double hostWait = now() - t0;
        mstream early = {&msVtbl, NULL, 0, 0, 0};
        pj.c->getState(pj.comp, (FUnknown *)&early);
        CHECK(early.len == st.len && !memcmp(early.buf, st.buf, (size_t)st.len), "until Java takes it, the state is kept verbatim");
        free(early.buf);
        int64_t id = 0;
        while (expectJava && (id = java_id(&pj)) == 0 && now() - t0 < 60) usleep(2000);
        printf("figure: setState with content returned in %.2f ms; Java attached after %.0f ms (first Java use, incl. the start check)\n",
               hostWait * 1e3, (now() - t0) * 1e3);
        if (expectJava) {
            CHECK(id > 0, "Java started for the saved state");
            mstream back = {&msVtbl, NULL, 0, 0, 0};
            CHECK(pj.c->getState(pj.comp, (FUnknown *)&back) == kResultOk && memmem(back.buf, (size_t)back.len, "lazy java", 9),
                  "Java holds the restored state");
            free(back.buf);
            /* terminate + initialize again (some hosts do): the Java state survives the end of its Java side */
            pj.c->terminate(pj.comp);
            pj.c->initialize(pj.comp, NULL);
            mstream again = {&msVtbl, NULL, 0, 0, 0};
            CHECK(pj.c->getState(pj.comp, (FUnknown *)&again) == kResultOk && memmem(again.buf, (size_t)again.len, "lazy java", 9),
                  "the state survives terminate and a second initialize");
            free(again.buf);
        }
        free(st.buf);
    }
    t0 = now();
    int64_t javaId = notify(pl.pcp, "AceForge.debug.java", NULL, 0, "javaId");
    printf("figure: a second instance's first Java use %.1f ms\n", (now() - t0) * 1e3);
    if (expectJava) CHECK(javaId > 0, "Java serves the instance (javaId %lld)", (long long)javaId);
    else {
        CHECK(javaId == 0, "runs without Java when Java is unavailable");
        if (expectError) CHECK(log_contains(expectError), "the log says why: \"%s\"", expectError);
    }

    /* Corrupted states: whatever the bytes, parameters stay finite and in range, audio stays finite. */
    {
        double good[3] = {1.0, 60.0 / 72.0, 0.0};
        const char *json = "{\"format\":\"aceforge-plugin-state\",\"version\":1,\"settings\":{\"caption\":\"ok\"}}";
        size_t bigLen = 8u << 20;
        char *big = malloc(bigLen + 200);
        int bl = sprintf(big, "{\"format\":\"aceforge-plugin-state\",\"version\":1,\"settings\":{\"caption\":\"");
        memset(big + bl, 'x', bigLen);
        strcpy(big + bl + bigLen, "\"}}");
        size_t deepLen = 200000;
        char *deep = malloc(deepLen);
        for (size_t i = 0; i < deepLen; i++) deep[i] = i < deepLen / 2 ? '[' : ']';
        char *many = malloc(2u << 20);
        int ml = sprintf(many, "{\"format\":\"aceforge-plugin-state\",\"version\":1,\"variants\":[");
        for (int i = 0; i < 20000; i++) ml += sprintf(many + ml, "%s{\"path\":\"/nonexistent/%d.wav\",\"placed\":true,\"slot\":%d}", i ? "," : "", i, i % 16);
        ml += sprintf(many + ml, "]}");
        const char *badjson[] = {
            "{\"format\":\"aceforge-plugin-state\",\"version\":1,\"settings\":{\"duration\":NaN}}",
            "{\"format\":\"aceforge-plugin-state\",\"version\":1,\"settings\":{\"duration\":1e999,\"seed\":1e30}}",
            "{\"format\":\"aceforge-plugin-state\",\"version\":99}",
            "{\"format\":\"aceforge-plugin-state\",\"version\":1,\"variants\":[{\"path\":\"/dev/zero\",\"sha256\":\"\",\"placed\":true,\"slot\":0}]}",
            "\xff\xfe\x00garbage\x80\x81",
        };
        double nanv[3] = {NAN, 0.5, 0}, infv[3] = {1, INFINITY, 0}, ninf[3] = {1, 0.5, -INFINITY}, over[3] = {2.0, 0.5, 0},
               neg[3] = {-0.5, 0.5, 0}, huge[3] = {1e308, -1e308, 1e308}, tiny[3] = {-1e-300, 5e-324, 0.5},
               snan[3] = {nan_bits(0x7FF0000000000001ull), nan_bits(0xFFF8000000000000ull), nan_bits(0x7FFFFFFFFFFFFFFFull)};
        double v1nan[2] = {NAN, NAN}, v1inf[2] = {INFINITY, 0.5};
        double many64[64];
        for (int i = 0; i < 64; i++) many64[i] = 0.25;
        mstream blobs[48];
        int n = 0;
        blobs[n++] = header_blob(2, 3, nanv, 3, NULL, 0);
        blobs[n++] = header_blob(2, 3, infv, 3, NULL, 0);
        blobs[n++] = header_blob(2, 3, ninf, 3, NULL, 0);
        blobs[n++] = header_blob(2, 3, over, 3, NULL, 0);
        blobs[n++] = header_blob(2, 3, neg, 3, NULL, 0);
        blobs[n++] = header_blob(2, 3, huge, 3, NULL, 0);
        blobs[n++] = header_blob(2, 3, tiny, 3, NULL, 0);
        blobs[n++] = header_blob(2, 3, snan, 3, NULL, 0);
        blobs[n++] = header_blob(1, 0, v1nan, 2, NULL, 0);
        blobs[n++] = header_blob(1, 0, v1inf, 2, json, strlen(json));
        blobs[n++] = header_blob(0, 3, good, 3, NULL, 0);
        blobs[n++] = header_blob(-1, 3, good, 3, NULL, 0);
        blobs[n++] = header_blob(3, 3, good, 3, json, strlen(json));                    /* newer: refused, kept verbatim */
        blobs[n++] = header_blob(99, 3, good, 3, NULL, 0);
        blobs[n++] = header_blob(INT32_MAX, 3, good, 3, NULL, 0);
        blobs[n++] = header_blob(INT32_MIN, 3, good, 3, NULL, 0);
        blobs[n++] = header_blob(2, 0, good, 0, NULL, 0);
        blobs[n++] = header_blob(2, -5, good, 0, NULL, 0);
        blobs[n++] = header_blob(2, 1000000, good, 3, NULL, 0);
        blobs[n++] = header_blob(2, 3, good, 2, NULL, 0);                                /* count says 3, 2 follow */
        blobs[n++] = header_blob(2, 64, many64, 64, json, strlen(json));                 /* more parameters than known */
        blobs[n++] = header_blob(2, 1, good, 1, NULL, 0);                                /* fewer: the rest default */
        for (int cut = 1; cut < 36; cut += 5) { mstream full = header_blob(2, 3, nanv, 3, json, strlen(json)); full.len = cut; blobs[n++] = full; }
        blobs[n++] = blob("AFST", 4);
        blobs[n++] = blob("garbage", 7);
        blobs[n++] = header_blob(2, 3, good, 3, big, strlen(big));                       /* an 8 MB caption */
        blobs[n++] = header_blob(2, 3, good, 3, deep, deepLen);                          /* 100k nested arrays */
        blobs[n++] = header_blob(2, 3, good, 3, many, (size_t)ml);                       /* 20000 variants */
        for (int i = 0; i < 4; i++) blobs[n++] = header_blob(2, 3, nanv, 3, badjson[i], strlen(badjson[i]));
        blobs[n++] = header_blob(2, 3, nanv, 3, badjson[4], 12);   /* invalid UTF-8 with a NUL inside */
        int allSane = 1, allFinite = 1, refusedKept = 0;
        audio a;
        audio_init(&a, 256, 0, 48000);
        setup(&pl, 48000, 256, 0);
        for (int i = 0; i < n; i++) {
            blobs[i].pos = 0;
            pl.c->setState(pl.comp, (FUnknown *)&blobs[i]);
            blobs[i].pos = 0;
            pl.e->setComponentState(pl.ctrl, (FUnknown *)&blobs[i]);
            int refused, sane = state_is_sane(&pl, &blobs[i], &refused);
            refusedKept += refused;
            if (!sane) { allSane = 0; printf("state blob %d: the plugin wrote an invalid state back\n", i); }
            for (int p = 0; p < 3; p++) if (!isfinite(pl.e->getParamNormalized(pl.ctrl, p))) { allSane = 0; printf("state blob %d: controller parameter %d not finite\n", i, p); }
            for (int b = 0; b < 4; b++) {
                audio_sine(&a, (int64_t)b * 256);
                audio_process(&pl, &a, (int64_t)b * 256, NULL, NULL);
                if (!audio_finite(&a)) { allFinite = 0; printf("state blob %d: non-finite audio\n", i); break; }
            }
            free(blobs[i].buf);
        }
        teardown(&pl);
        audio_free(&a);
        CHECK(n >= 30, "%d corrupted states tried", n);
        CHECK(allSane, "after every corrupted state the plugin writes a valid state (finite, in range)");
        CHECK(allFinite, "after every corrupted state the audio is finite");
        CHECK(refusedKept == 3, "newer versions' states (3, 99, 2^31−1) are refused and written back verbatim (%d)", refusedKept);
        CHECK(!expectJava || java_id(&pl) > 0, "Java is still serving after the corrupted states");
        free(big); free(deep); free(many);
        s1.pos = 0;
        pl.c->setState(pl.comp, (FUnknown *)&s1);
        s1.pos = 0;
        pl.e->setComponentState(pl.ctrl, (FUnknown *)&s1);
    }

    /* The tripwire itself must work (it is compiled into this host, not under valgrind). */
    if (tripwire) {
        void *(*volatile alloc)(size_t) = malloc;
        long before = atomic_load(&tw_allocs);
        tw_armed = 1;
        void *x = alloc(16);
        tw_armed = 0;
        free(x);
        CHECK(atomic_load(&tw_allocs) > before, "the allocation tripwire catches a malloc");
    }

    /* The audio thread: 2000 blocks of 64 frames on a thread of its own, tripwire armed. */
    setup(&pl, 48000, 64, 0);
    rt_job j = {&pl, 48000, 0, pow(10, -6 / 20.0), 64, 2000, 0, 0, 0, 0, 0, 0, 0};
    rt_run(&j);
    printf("figure: process() at 64 frames, 48 kHz, stereo: %.2f us per block (mean of 2000, own thread)\n", j.mean * 1e6);
    CHECK(j.ok, "every block correct on the audio thread");
    check_rt(&pl, &j, "2000 blocks");
    if (javaId > 0) {
        CHECK(notify(pl.pcp, "AceForge.debug.gc", "ms", 3000, "started") == 1, "Java GC pressure started");
        rt_job g = {&pl, 48000, 2.5, pow(10, -6 / 20.0), 64, 0, 0, 0, 0, 0, 0, 0, 0};
        rt_run(&g);
        int64_t gcs = notify(pl.pcp, "AceForge.debug.stats", NULL, 0, "gcCount");
        printf("figure: under Java GC pressure (%lld collections): %d blocks in 2.5 s, worst block %.3f ms\n", (long long)gcs, g.count, g.worst * 1e3);
        CHECK(gcs > 0, "Java really collected during the run");
        CHECK(g.ok && g.count > 1000, "every block produced and correct under GC pressure (%d blocks)", g.count);
        check_rt(&pl, &g, "under GC pressure");
    }
    teardown(&pl);

    /* A clip placed from Java plays in sync with the transport (gain −6 dB, mix 1), and from a note while stopped. */
    if (javaId > 0) {
        CHECK(notify(pl.pcp, "AceForge.debug.clip", "value", 250, "placed") == 1, "Java placed a test clip");
        setup(&pl, 48000, 512, 0);
        double g = pow(10, -6 / 20.0);
        audio a;
        audio_init(&a, 512, 0, 48000);
        for (int i = 0; i < 512; i++) { set_in(&a, 0, i, 0.1); set_in(&a, 1, i, -0.1); }
        int clipOk = 1;
        a.ctx.state = kPlaying;
        for (int b = 0; b < 100; b++) {
            audio_process(&pl, &a, (int64_t)b * 512, NULL, NULL);
            for (int i = 0; i < 512; i++) {
                int64_t t = (int64_t)b * 512 + i;
                double want = t < 48000 ? 0.25 * g : 0.1 * g;
                if (fabs(out_s(&a, 0, i) - want) > 1e-5) clipOk = 0;
            }
        }
        CHECK(clipOk, "the clip plays at its timeline position and the input returns after it");
        a.ctx.state = 0;
        Event on = {0};
        on.type = kNoteOnEvent; on.noteOn.pitch = 60; on.sampleOffset = 100;
        elist notes = {&elVtbl, &on, 1};
        audio_process(&pl, &a, 0, NULL, &notes);
        int noteOk = fabs(out_s(&a, 0, 99) - 0.1 * g) < 1e-5 && fabs(out_s(&a, 0, 100) - 0.25 * g) < 1e-5;
        audio_process(&pl, &a, 0, NULL, NULL);
        noteOk &= fabs(out_s(&a, 0, 0) - 0.25 * g) < 1e-5;
        CHECK(noteOk, "a note plays the clip from its start while the transport is stopped");
        audio_free(&a);
        teardown(&pl);

        /* Clips replaced from Java while the audio thread plays them: each block sees one whole clip, never freed memory. */
        setup(&pl, 48000, 64, 0);
        rt_job r = {&pl, 48000, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0};
        pthread_t t;
        r.seconds = 1.5;
        r.gain = -1;   /* not checked: the clip value changes */
        pthread_create(&t, NULL, rt_thread, &r);
        int replaced = 0;
        double until = now() + 1.2;
        while (now() < until) replaced += notify(pl.pcp, "AceForge.debug.clip", "value", replaced % 2 ? 250 : 500, "placed") == 1;
        pthread_join(t, NULL);
        printf("figure: %d clip replacements while the audio thread played %d blocks\n", replaced, r.count);
        CHECK(replaced > 20, "clips were replaced while playing (%d)", replaced);
        check_rt(&pl, &r, "while clips are replaced");
        teardown(&pl);
    }

    editor_test(pl.ctrl);
    destroy_plugin(&pj);
    destroy_plugin(&pl);
    free(s1.buf);
    free(s2.buf);
    CHECK(m.exitf(), "ModuleExit");
    if (!expectJava) dlclose(m.lib);   /* with a JVM in the process the library stays (the JVM is never unloaded) */
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
