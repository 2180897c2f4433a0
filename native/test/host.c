/*
 * AceForge's VST3 test host: loads a .vst3 bundle the way a DAW does and checks it end to end —
 * exports and factory, class info, instantiation and connection, buses, setup at 44.1/48/96 kHz with block sizes
 * 32–4096, audio and note events, parameter changes, state round trip, the editor (when DISPLAY is set), that the
 * audio thread never enters Java (blocks keep coming under Java GC pressure), and unload.
 * Prints "N passed, M failed" and figures (scan time, process() cost at 64 frames). Exit 0 only if all passed.
 * Usage: vst3-test-host BUNDLE.vst3 [--no-java-expected]
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "vst3_abi.h"
#include <jni.h>
#include <pthread.h>

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

/* ---------- processing helpers ---------- */
typedef struct { FUnknown *comp; const IComponentVtbl *c; FUnknown *proc; const IAudioProcessorVtbl *p; } plugin;

static double run_blocks(plugin *pl, double rate, int block, int blocks, float gainExpected, pchanges *params, elist *events, int *ok) {
    float *inL = malloc(sizeof(float) * block), *inR = malloc(sizeof(float) * block);
    float *outL = malloc(sizeof(float) * block), *outR = malloc(sizeof(float) * block);
    float *ins[2] = {inL, inR}, *outs[2] = {outL, outR};
    AudioBusBuffers in = {2, 0, {.channelBuffers32 = ins}}, out = {2, 0, {.channelBuffers32 = outs}};
    ProcessContext ctx = {0};
    ctx.state = kPlaying | kTempoValid | kTimeSigValid;
    ctx.sampleRate = rate; ctx.tempo = 120; ctx.timeSigNumerator = 4; ctx.timeSigDenominator = 4;
    ProcessData d = {0, kSample32, block, 1, 1, &in, &out, NULL, NULL, NULL, NULL, &ctx};
    double worst = 0, total = 0;
    *ok = 1;
    for (int b = 0; b < blocks; b++) {
        for (int i = 0; i < block; i++) {
            double t = (double)(b * block + i) / rate;
            inL[i] = (float)(0.5 * sin(2 * M_PI * 440 * t));
            inR[i] = (float)(0.25 * sin(2 * M_PI * 660 * t));
        }
        d.inputParameterChanges = b == 0 ? (void *)params : NULL;
        d.inputEvents = b == 0 ? (void *)events : NULL;
        ctx.projectTimeSamples = (int64_t)b * block;
        double t0 = now();
        tresult r = pl->p->process(pl->proc, &d);
        double dt = now() - t0;
        total += dt;
        if (dt > worst) worst = dt;
        if (r != kResultOk) *ok = 0;
        for (int i = 0; i < block; i++)
            if (fabsf(outL[i] - gainExpected * inL[i]) > 1e-4f || fabsf(outR[i] - gainExpected * inR[i]) > 1e-4f) { *ok = 0; break; }
    }
    free(inL); free(inR); free(outL); free(outR);
    (void)worst;
    return total / blocks;
}

static int setup(plugin *pl, double rate, int block) {
    SpeakerArrangement st = kSpeakerStereo;
    if (pl->p->setBusArrangements(pl->proc, &st, 1, &st, 1) != kResultOk) return 0;
    ProcessSetup s = {0, kSample32, block, rate};
    if (pl->p->setupProcessing(pl->proc, &s) != kResultOk) return 0;
    if (pl->c->setActive(pl->comp, 1) != kResultOk) return 0;
    return pl->p->setProcessing(pl->proc, 1) == kResultOk;
}
static void teardown(plugin *pl) { pl->p->setProcessing(pl->proc, 0); pl->c->setActive(pl->comp, 0); }

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

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s BUNDLE.vst3 [--no-java-expected]\n", argv[0]); return 2; }
    int expectJava = !(argc > 2 && !strcmp(argv[2], "--no-java-expected"));
    if (argc > 2 && !strcmp(argv[2], "--foreign-jvm")) {
        CHECK(start_foreign_jvm(), "a foreign JVM started in the host process (JAVA_HOME)");
    }
    char so[4096];
    const char *base = strrchr(argv[1], '/');
    char name[256];
    snprintf(name, sizeof name, "%s", base ? base + 1 : argv[1]);
    char *dot = strstr(name, ".vst3");
    if (dot) *dot = 0;
    snprintf(so, sizeof so, "%s/Contents/x86_64-linux/%s.so", argv[1], name);

    /* Scan: what a host does to list the plugin. Java must not start here. */
    double t0 = now();
    void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    CHECK(h != NULL, "dlopen %s: %s", so, dlerror());
    if (!h) { printf("%d passed, %d failed\n", passed, failed); return 1; }
    _Bool (*entry)(void *) = dlsym(h, "ModuleEntry");
    _Bool (*exitf)(void) = dlsym(h, "ModuleExit");
    FUnknown *(*getFactory)(void) = dlsym(h, "GetPluginFactory");
    CHECK(entry && exitf && getFactory, "the three entry points are exported");
    CHECK(entry(h), "ModuleEntry");
    FUnknown *f = getFactory();
    const IPluginFactory3Vtbl *fv = (const IPluginFactory3Vtbl *)f->vtbl;
    PFactoryInfo fi;
    CHECK(fv->getFactoryInfo(f, &fi) == kResultOk && !strcmp(fi.vendor, "AceForge"), "factory info");
    int32_t classes = fv->countClasses(f);
    CHECK(classes == 2, "two classes (processor, controller), got %d", classes);
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
    double scan = now() - t0;
    printf("figure: scan (dlopen + ModuleEntry + factory + class info) %.3f ms\n", scan * 1e3);

    /* Instantiate as hosts do: processor, controller, connect the two. */
    t0 = now();
    plugin pl = {0};
    TUID pcid, ccid;
    af_uid_to_tuid((af_uid){0x41636546, 0x6F726765, 0x50726F63, 0x30303031}, pcid);
    af_uid_to_tuid((af_uid){0x41636546, 0x6F726765, 0x4374726C, 0x30303031}, ccid);
    CHECK(fv->createInstance(f, (const char *)pcid, (const char *)iid(AF_IID_ICOMPONENT), (void **)&pl.comp) == kResultOk, "create processor");
    pl.c = (const IComponentVtbl *)pl.comp->vtbl;
    CHECK(pl.c->queryInterface(pl.comp, iid(AF_IID_IAUDIOPROCESSOR), (void **)&pl.proc) == kResultOk, "IAudioProcessor");
    pl.p = (const IAudioProcessorVtbl *)pl.proc->vtbl;
    FUnknown *ctrl = NULL;
    CHECK(fv->createInstance(f, (const char *)ccid, (const char *)iid(AF_IID_IEDITCONTROLLER), (void **)&ctrl) == kResultOk, "create controller");
    const IEditControllerVtbl *ev = (const IEditControllerVtbl *)ctrl->vtbl;
    CHECK(pl.c->initialize(pl.comp, NULL) == kResultOk, "processor initialize");
    CHECK(ev->initialize(ctrl, NULL) == kResultOk, "controller initialize");
    FUnknown *pcp, *ccp;
    CHECK(pl.c->queryInterface(pl.comp, iid(AF_IID_ICONNECTIONPOINT), (void **)&pcp) == kResultOk, "processor connection point");
    CHECK(ev->queryInterface(ctrl, iid(AF_IID_ICONNECTIONPOINT), (void **)&ccp) == kResultOk, "controller connection point");
    ((const IConnectionPointVtbl *)pcp->vtbl)->connect(pcp, ccp);
    ((const IConnectionPointVtbl *)ccp->vtbl)->connect(ccp, pcp);
    ev->setComponentHandler(ctrl, (FUnknown *)&handler);
    printf("figure: instantiate + initialize (starts Java on the first instance) %.1f ms\n", (now() - t0) * 1e3);
    int64_t javaId = notify(pcp, "AceForge.debug.stats", NULL, 0, "javaId");
    if (expectJava) CHECK(javaId > 0, "Java started and created the instance (javaId %lld)", (long long)javaId);
    else CHECK(javaId == 0, "runs without Java when Java is unavailable");
    TUID got;
    CHECK(pl.c->getControllerClassId(pl.comp, got) == kResultOk && !memcmp(got, ccid, 16), "controller class id");

    /* Buses. */
    CHECK(pl.c->getBusCount(pl.comp, kAudio, kInput) == 1 && pl.c->getBusCount(pl.comp, kAudio, kOutput) == 1, "one stereo bus each way");
    CHECK(pl.c->getBusCount(pl.comp, kEvent, kInput) == 1, "a note input bus");
    BusInfo bi;
    CHECK(pl.c->getBusInfo(pl.comp, kAudio, kOutput, 0, &bi) == kResultOk && bi.channelCount == 2, "output bus info");
    CHECK(pl.p->canProcessSampleSize(pl.proc, kSample32) == kResultOk, "32-bit processing");

    /* Parameters. */
    CHECK(ev->getParameterCount(ctrl) == 2, "two parameters");
    ParameterInfo pi;
    CHECK(ev->getParameterInfo(ctrl, 1, &pi) == kResultOk && pi.id == 1 && (pi.flags & kCanAutomate), "gain is automatable");
    char16 str[128];
    CHECK(ev->getParamStringByValue(ctrl, 1, 60.0 / 72.0, str) == kResultOk && str[0] == '0', "0 dB string");

    /* Audio at every rate and block size: passthrough (mix 1, 0 dB, nothing rendered). */
    double rates[] = {44100, 48000, 96000};
    int blocksizes[] = {32, 64, 128, 512, 1024, 4096};
    for (int r = 0; r < 3; r++)
        for (int b = 0; b < 6; b++) {
            int ok;
            CHECK(setup(&pl, rates[r], blocksizes[b]), "setup %.0f Hz / %d", rates[r], blocksizes[b]);
            run_blocks(&pl, rates[r], blocksizes[b], 40, 1.0f, NULL, NULL, &ok);
            CHECK(ok, "passthrough at %.0f Hz, block %d", rates[r], blocksizes[b]);
            teardown(&pl);
        }

    /* Notes and a parameter change (−6 dB) arriving in the first block. */
    int ok;
    setup(&pl, 48000, 256);
    Event evn[2] = {{0}};
    evn[0].type = kNoteOnEvent; evn[0].noteOn.pitch = 60; evn[0].noteOn.velocity = 0.8f; evn[0].sampleOffset = 10;
    evn[1].type = kNoteOffEvent; evn[1].noteOff.pitch = 60; evn[1].sampleOffset = 200;
    elist events = {&elVtbl, evn, 2};
    pqueue q = {&pqVtbl, 1, 0, 54.0 / 72.0};
    pchanges pc = {&pcVtbl, &q, 1};
    run_blocks(&pl, 48000, 256, 8, (float)pow(10, -6 / 20.0), &pc, &events, &ok);
    CHECK(ok, "notes are accepted and a −6 dB gain change applies");
    CHECK(fabs(ev->getParamNormalized(ctrl, 1) - 54.0 / 72.0) < 1e-9, "controller sees the automated value");
    teardown(&pl);

    /* State round trip: save, change, restore, save again → identical bytes and the old value. */
    mstream s1 = {&msVtbl, NULL, 0, 0, 0}, s2 = {&msVtbl, NULL, 0, 0, 0};
    CHECK(pl.c->getState(pl.comp, (FUnknown *)&s1) == kResultOk && s1.len >= 24, "getState (%lld bytes)", (long long)s1.len);
    setup(&pl, 48000, 64);
    pqueue q2 = {&pqVtbl, 1, 0, 0.1};
    pchanges pc2 = {&pcVtbl, &q2, 1};
    run_blocks(&pl, 48000, 64, 1, (float)pow(10, (-60.0 + 72.0 * 0.1) / 20.0), &pc2, NULL, &ok);
    teardown(&pl);
    s1.pos = 0;
    CHECK(pl.c->setState(pl.comp, (FUnknown *)&s1) == kResultOk, "setState");
    s1.pos = 0;
    CHECK(ev->setComponentState(ctrl, (FUnknown *)&s1) == kResultOk, "controller setComponentState");
    CHECK(fabs(ev->getParamNormalized(ctrl, 1) - 54.0 / 72.0) < 1e-9, "restored gain");
    CHECK(pl.c->getState(pl.comp, (FUnknown *)&s2) == kResultOk && s2.len == s1.len && !memcmp(s1.buf, s2.buf, (size_t)s1.len), "state round trip is exact");
    /* A damaged project blob: accepted (the user sees a message), and the plugin still saves a valid state. */
    mstream bad = {&msVtbl, strdup("garbage"), 7, 7, 0};
    pl.c->setState(pl.comp, (FUnknown *)&bad);
    free(bad.buf);
    mstream s3 = {&msVtbl, NULL, 0, 0, 0};
    CHECK(pl.c->getState(pl.comp, (FUnknown *)&s3) == kResultOk && s3.len >= 24 && !memcmp(s3.buf, "AFST", 4),
          "after a garbage state the plugin still writes a valid state");
    free(s3.buf);
    s1.pos = 0;
    pl.c->setState(pl.comp, (FUnknown *)&s1);

    /* The audio thread never enters Java: blocks keep coming, correct, while Java is under GC pressure. */
    setup(&pl, 48000, 64);
    double per64 = run_blocks(&pl, 48000, 64, 2000, (float)pow(10, -6 / 20.0), NULL, NULL, &ok);
    printf("figure: process() at 64 frames, 48 kHz, stereo: %.2f us per block (mean of 2000)\n", per64 * 1e6);
    if (javaId > 0) {
        CHECK(notify(pcp, "AceForge.debug.gc", "ms", 3000, "started") == 1, "Java GC pressure started");
        double start = now();
        int blocks = 0, allOk = 1;
        double worst = 0;
        while (now() - start < 2.5) {
            double b0 = now();
            run_blocks(&pl, 48000, 64, 1, (float)pow(10, -6 / 20.0), NULL, NULL, &ok);
            double dt = now() - b0;
            if (dt > worst) worst = dt;
            allOk &= ok;
            blocks++;
        }
        int64_t gcs = notify(pcp, "AceForge.debug.stats", NULL, 0, "gcCount");
        printf("figure: under Java GC pressure (%lld collections): %d blocks in 2.5 s, worst block %.3f ms\n", (long long)gcs, blocks, worst * 1e3);
        CHECK(gcs > 0, "Java really collected during the run");
        CHECK(allOk && blocks > 1000, "every block produced and correct under GC pressure (%d blocks)", blocks);
    }
    CHECK(notify(pcp, "AceForge.debug.stats", NULL, 0, "audioThreadJavaCalls") == 0, "the audio thread never entered Java");
    teardown(&pl);

    /* A clip placed from Java plays in sync with the transport (gain −6 dB, mix 1), and from a note while stopped. */
    if (javaId > 0) {
        CHECK(notify(pcp, "AceForge.debug.clip", "value", 250, "placed") == 1, "Java placed a test clip");
        setup(&pl, 48000, 512);
        float g = (float)pow(10, -6 / 20.0);
        int clipOk = 1;
        float *l = malloc(sizeof(float) * 512), *r = malloc(sizeof(float) * 512), *ol = malloc(sizeof(float) * 512), *orr = malloc(sizeof(float) * 512);
        float *ins[2] = {l, r}, *outs[2] = {ol, orr};
        AudioBusBuffers in = {2, 0, {.channelBuffers32 = ins}}, out = {2, 0, {.channelBuffers32 = outs}};
        ProcessContext ctx = {0};
        ctx.sampleRate = 48000;
        ProcessData d = {0, kSample32, 512, 1, 1, &in, &out, NULL, NULL, NULL, NULL, &ctx};
        for (int i = 0; i < 512; i++) { l[i] = 0.1f; r[i] = -0.1f; }
        /* playing from timeline 0: the clip (1 s) covers the first 93 blocks, then the input returns */
        ctx.state = kPlaying;
        for (int b = 0; b < 100; b++) {
            ctx.projectTimeSamples = (int64_t)b * 512;
            pl.p->process(pl.proc, &d);
            for (int i = 0; i < 512; i++) {
                int64_t t = (int64_t)b * 512 + i;
                float want = t < 48000 ? 0.25f * g : 0.1f * g;
                if (fabsf(ol[i] - want) > 1e-5f) clipOk = 0;
            }
        }
        CHECK(clipOk, "the clip plays at its timeline position and the input returns after it");
        /* stopped: input passes; a note 60 starts clip 0 at its sample offset */
        ctx.state = 0;
        Event on = {0};
        on.type = kNoteOnEvent; on.noteOn.pitch = 60; on.sampleOffset = 100;
        elist notes = {&elVtbl, &on, 1};
        d.inputEvents = (struct IEventList *)&notes;
        pl.p->process(pl.proc, &d);
        int noteOk = fabsf(ol[99] - 0.1f * g) < 1e-5f && fabsf(ol[100] - 0.25f * g) < 1e-5f;
        d.inputEvents = NULL;
        pl.p->process(pl.proc, &d);
        noteOk &= fabsf(ol[0] - 0.25f * g) < 1e-5f;
        CHECK(noteOk, "a note plays the clip from its start while the transport is stopped");
        free(l); free(r); free(ol); free(orr);
        teardown(&pl);
    }

    editor_test(ctrl);

    /* Release as hosts do, then unload. */
    ((const IConnectionPointVtbl *)pcp->vtbl)->disconnect(pcp, ccp);
    ((const IConnectionPointVtbl *)ccp->vtbl)->disconnect(ccp, pcp);
    ((FUnknown *)pcp)->vtbl->release(pcp);
    ((FUnknown *)ccp)->vtbl->release(ccp);
    CHECK(ev->terminate(ctrl) == kResultOk, "controller terminate");
    CHECK(pl.c->terminate(pl.comp) == kResultOk, "processor terminate");
    pl.p->release(pl.proc);
    pl.c->release(pl.comp);
    ev->release(ctrl);
    free(s1.buf);
    free(s2.buf);
    CHECK(exitf(), "ModuleExit");
    if (!expectJava) dlclose(h);   /* with a JVM in the process the library stays (the JVM is never unloaded) */
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
