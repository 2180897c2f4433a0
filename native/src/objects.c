/*
 * The VST3 objects: the processor (IComponent + IAudioProcessor + IConnectionPoint + IProcessContextRequirements,
 * one interface pointer each, one reference count), the edit controller (IEditController + IConnectionPoint) and
 * the plug view. Java is reached only from host non-audio threads and the shim's own start threads, through the flat
 * af_java_api, and only once something needs it.
 *
 * Thread contract (the VST3 rules, and what each method does here):
 * - IAudioProcessor::process: the host's audio thread only → rt.c; nothing else here runs on that thread.
 * - IComponent / IAudioProcessor setup methods (initialize, terminate, buses, arrangements, setupProcessing,
 *   setActive, setProcessing, setState, getState) and every IEditController, IConnectionPoint and IPlugView method:
 *   the host's UI/main thread (some hosts use other non-audio threads; everything here is safe on any of them).
 *   They may take `javaLock`/`lock` and call Java; setState never waits for Java to start or for files.
 * - attach_thread: the shim's own thread, started by setState for a state with Java content.
 * - addRef/release: any thread; the last release frees the instance (on whichever thread that is, never the audio
 *   thread in a host that respects the VST3 rules).
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include "af_internal.h"

#define CONTAINER(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

/* initial-exec: in a dlopen'ed module the default TLS model allocates the variable's block on a thread's first
 * access, which would be a malloc on the host's audio thread; initial-exec uses the static TLS reserve instead. */
static __thread int onAudioThread __attribute__((tls_model("initial-exec")));

/* Every call into Java goes through here: it counts calls made from inside process() (there must be none). */
#define JAVA_CALL(in, expr) do { \
        if (onAudioThread) atomic_fetch_add(&(in)->javaCallsOnAudioThread, 1); \
        af_java_attach_thread(); expr; } while (0)

/* ---------------- Java, when something needs it ---------------- */

/*
 * Java is started only when something needs it: a saved state with Java content (asynchronously, so loading a
 * project does not wait for the JVM), the editor, a test hook. Creating, scanning and processing never start it.
 * Thread contract: host non-audio threads and the shim's attach threads; takes javaLock (never the audio thread).
 */
static int java_attach_instance(af_instance *in) {
    const af_java_api *j = af_java();
    if (!j) return 0;
    pthread_mutex_lock(&in->javaLock);
    if (in->javaId == 0) {
        int64_t id = 0;
        JAVA_CALL(in, id = j->instance_created((int64_t)(intptr_t)in));
        in->javaId = id > 0 ? id : 0;
        if (in->javaId > 0) {
            /* Handed to Java, the pending state is Java's now; if Java refused the instance it stays verbatim. */
            if (in->pendingState || in->pendingNotice) {
                int32_t r;
                JAVA_CALL(in, r = j->set_state(in->javaId, in->pendingState, in->pendingStateLength, in->pendingNotice));
                (void)r;
            }
            free(in->pendingState);
            free(in->pendingNotice);
            in->pendingState = in->pendingNotice = NULL;
            in->pendingStateLength = 0;
        }
        if (in->javaId > 0 && atomic_load(&in->ring))
            JAVA_CALL(in, j->setup(in->javaId, atomic_load(&in->sampleRate), atomic_load(&in->maxBlock)));
    }
    int ok = in->javaId > 0;
    pthread_mutex_unlock(&in->javaLock);
    return ok;
}

/* A growable in-memory IBStream, for taking Java's state back into the shim. */
typedef struct { const IBStreamVtbl *vtbl; char *buf; int32_t len, cap; } membuf;
static tresult mb_query(void *s, const TUID iid, void **o) { (void)iid; *o = s; return kResultOk; }
static uint32_t mb_ref(void *s) { (void)s; return 1; }
static tresult mb_read(void *s, void *b, int32_t n, int32_t *got) { (void)s; (void)b; (void)n; if (got) *got = 0; return kResultFalse; }
static tresult mb_write(void *s, void *b, int32_t n, int32_t *done) {
    membuf *m = s;
    if (n < 0 || m->len > INT32_MAX - n) return kResultFalse;
    if (m->len + n > m->cap) {
        int32_t cap = m->len + n > INT32_MAX / 2 ? INT32_MAX : 2 * (m->len + n);
        char *nb = realloc(m->buf, (size_t)cap);
        if (!nb) return kOutOfMemory;
        m->buf = nb;
        m->cap = cap;
    }
    memcpy(m->buf + m->len, b, (size_t)n);
    m->len += n;
    if (done) *done = n;
    return kResultOk;
}
static tresult mb_seek(void *s, int64_t p, int32_t mode, int64_t *r) { (void)s; (void)p; (void)mode; (void)r; return kResultFalse; }
static tresult mb_tell(void *s, int64_t *p) { *p = ((membuf *)s)->len; return kResultOk; }
static const IBStreamVtbl membufVtbl = {mb_query, mb_ref, mb_ref, mb_read, mb_write, mb_seek, mb_tell};

/*
 * terminate() ends the Java side of an instance, but a host may initialize the same component again: Java's state is
 * first taken back and kept verbatim, so the next Java start (or the next save) has it.
 */
static void java_park_state(af_instance *in) {
    const af_java_api *j = af_java_if_started();
    pthread_mutex_lock(&in->javaLock);
    if (in->javaId > 0 && j) {
        membuf m = {&membufVtbl, NULL, 0, 0};
        int32_t r;
        JAVA_CALL(in, r = j->get_state(in->javaId, (int64_t)(intptr_t)&m));
        if (r == 0) {
            free(in->pendingState);
            in->pendingState = m.buf;
            in->pendingStateLength = m.len;
            m.buf = NULL;
        }
        free(m.buf);
    }
    pthread_mutex_unlock(&in->javaLock);
}

static void java_detach_instance(af_instance *in) {
    const af_java_api *j = af_java_if_started();
    pthread_mutex_lock(&in->javaLock);
    if (in->javaId > 0 && j) JAVA_CALL(in, j->instance_destroyed(in->javaId));
    in->javaId = 0;
    pthread_mutex_unlock(&in->javaLock);
}

/* ---------------- state: the header in C (state.c), the rest is Java's JSON ---------------- */

static int write_state(af_instance *in, FUnknown *stream) {
    int r = 0;
    pthread_mutex_lock(&in->javaLock);
    if (in->refusedState) {
        /* A newer version's state: written back exactly as it came, so opening a project here loses nothing. */
        r = af_stream_write(stream, in->refusedState, in->refusedStateLength);
        pthread_mutex_unlock(&in->javaLock);
        return r;
    }
    char head[AF_STATE_HEADER_SIZE];
    double params[AF_PARAM_COUNT];
    for (int i = 0; i < AF_PARAM_COUNT; i++) params[i] = af_param(in, i);
    af_state_header_write(params, head);
    r = af_stream_write(stream, head, sizeof head);
    const af_java_api *j = af_java_if_started();
    if (r == 0 && in->javaId > 0 && j) {
        JAVA_CALL(in, r = j->get_state(in->javaId, (int64_t)(intptr_t)stream));
    } else if (r == 0 && in->pendingState && in->pendingStateLength > 0) {
        /* Java has not taken the project's state yet (or cannot run): kept verbatim, so nothing is lost. */
        r = af_stream_write(stream, in->pendingState, in->pendingStateLength);
    }
    pthread_mutex_unlock(&in->javaLock);
    return r;
}

/* Returns 1 when the state was applied, 0 when it was refused (newer version), −1 when it could not be read. */
static int read_state(af_instance *in, FUnknown *stream, int *needsJava) {
    char *data;
    int32_t len;
    *needsJava = 0;
    if (af_stream_read_all(stream, &data, &len) != 0) {
        af_log("state: the host's stream could not be read (or is over 64 MB); the current state is kept");
        return -1;
    }
    af_state_header h;
    af_state_parse(data, len, &h);
    if (h.notice[0]) af_log("state: %s", h.notice);
    if (h.migrated) af_log("state: version %d migrated to version %d", (int)h.version, AF_STATE_VERSION);
    for (int i = 0; i < AF_PARAM_COUNT; i++) af_set_param(in, i, h.params[i]);
    const char *payload = data + h.payloadOffset;
    int32_t plen = len - h.payloadOffset;
    pthread_mutex_lock(&in->javaLock);
    snprintf(in->notice, sizeof in->notice, "%s", h.notice);
    free(in->refusedState);
    in->refusedState = NULL;
    in->refusedStateLength = 0;
    if (h.refused) {
        in->refusedState = data;
        in->refusedStateLength = len;
        data = NULL;
    }
    const af_java_api *j = af_java_if_started();
    const char *notice = h.notice[0] ? h.notice : NULL;
    if (in->javaId > 0 && j) {
        int32_t r;
        JAVA_CALL(in, r = j->set_state(in->javaId, payload, plen, notice));
        (void)r;
    } else {
        free(in->pendingState);
        free(in->pendingNotice);
        in->pendingState = NULL;
        in->pendingStateLength = 0;
        in->pendingNotice = notice ? strdup(notice) : NULL;
        if (plen > 0 && (in->pendingState = malloc((size_t)plen))) {
            memcpy(in->pendingState, payload, (size_t)plen);
            in->pendingStateLength = plen;
            *needsJava = 1;
        }
    }
    pthread_mutex_unlock(&in->javaLock);
    free(data);
    return h.refused ? 0 : 1;
}

/* ================= processor ================= */

typedef struct af_processor {
    const IComponentVtbl *component;
    const IAudioProcessorVtbl *processor;
    const IConnectionPointVtbl *connection;
    const IProcessContextRequirementsVtbl *contextRequirements;
    _Atomic uint32_t refs;
    af_instance *in;
    int initialized;
    int64_t linkToken;   /* names this processor to its controller through a host's connection proxy */
} af_processor;

static af_processor *P_c(void *s) { return CONTAINER(s, af_processor, component); }
static af_processor *P_p(void *s) { return CONTAINER(s, af_processor, processor); }
static af_processor *P_x(void *s) { return CONTAINER(s, af_processor, connection); }
static af_processor *P_r(void *s) { return CONTAINER(s, af_processor, contextRequirements); }

static tresult p_query(af_processor *p, const TUID iid, void **obj) {
    if (!obj) return kInvalidArgument;
    if (af_uid_equals(iid, AF_IID_FUNKNOWN) || af_uid_equals(iid, AF_IID_IPLUGINBASE) || af_uid_equals(iid, AF_IID_ICOMPONENT))
        *obj = &p->component;
    else if (af_uid_equals(iid, AF_IID_IAUDIOPROCESSOR)) *obj = &p->processor;
    else if (af_uid_equals(iid, AF_IID_ICONNECTIONPOINT)) *obj = &p->connection;
    else if (af_uid_equals(iid, AF_IID_IPROCESSCONTEXTREQUIREMENTS)) *obj = &p->contextRequirements;
    else { *obj = NULL; return kNoInterface; }
    atomic_fetch_add(&p->refs, 1);
    return kResultOk;
}
static uint32_t p_addref(af_processor *p) { return atomic_fetch_add(&p->refs, 1) + 1; }
static void link_register(af_processor *p);
static void link_unregister(af_processor *p);
static uint32_t p_release(af_processor *p) {
    uint32_t r = atomic_fetch_sub(&p->refs, 1) - 1;
    if (r == 0) {
        link_unregister(p);
        java_detach_instance(p->in);
        af_instance_free(p->in);
        free(p);
    }
    return r;
}

/* The shim's own thread that starts Java for one instance and hands it the pending state. */
static void *attach_thread(void *arg) {
    af_processor *p = arg;
    java_attach_instance(p->in);
    pthread_mutex_lock(&p->in->javaLock);
    p->in->attaching = 0;
    pthread_mutex_unlock(&p->in->javaLock);
    p_release(p);   /* may be the last reference: then the instance goes here, off the host's threads */
    return NULL;
}

static void request_java_async(af_processor *p) {
    pthread_mutex_lock(&p->in->javaLock);
    int go = p->in->javaId == 0 && !p->in->attaching;
    if (go) p->in->attaching = 1;
    pthread_mutex_unlock(&p->in->javaLock);
    if (!go) return;
    af_module_pin();   /* our thread will run code of this copy after the host might unload it */
    p_addref(p);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    int rc = pthread_create(&t, &attr, attach_thread, p);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        pthread_mutex_lock(&p->in->javaLock);
        p->in->attaching = 0;
        pthread_mutex_unlock(&p->in->javaLock);
        p_release(p);
        af_log("cannot start a thread to start Java: the saved state waits until the editor opens");
    }
}

static tresult c_query(void *s, const TUID iid, void **o) { return p_query(P_c(s), iid, o); }
static uint32_t c_addref(void *s) { return p_addref(P_c(s)); }
static uint32_t c_release(void *s) { return p_release(P_c(s)); }

static tresult c_initialize(void *s, FUnknown *ctx) {
    (void)ctx;
    af_processor *p = P_c(s);
    if (p->initialized) return kResultFalse;
    p->initialized = 1;   /* no Java here: scanning and creating an instance stay in C */
    return kResultOk;
}
static tresult c_terminate(void *s) {
    af_processor *p = P_c(s);
    java_park_state(p->in);
    java_detach_instance(p->in);
    p->initialized = 0;
    return kResultOk;
}
static tresult c_getcontroller(void *s, TUID cid) { (void)s; if (!cid) return kInvalidArgument; af_uid_to_tuid(AF_CID_CONTROLLER, cid); return kResultOk; }
static tresult c_setiomode(void *s, int32_t m) { (void)s; (void)m; return kResultOk; }
static int32_t c_buscount(void *s, int32_t type, int32_t dir) {
    (void)s;
    if (type == kAudio && (dir == kInput || dir == kOutput)) return 1;
    if (type == kEvent && dir == kInput) return 1;
    return 0;
}
static tresult c_businfo(void *s, int32_t type, int32_t dir, int32_t index, BusInfo *bus) {
    (void)s;
    if (index != 0 || !bus || c_buscount(s, type, dir) == 0) return kInvalidArgument;
    memset(bus, 0, sizeof *bus);
    bus->mediaType = type;
    bus->direction = dir;
    bus->busType = kMain;
    bus->flags = kDefaultActive;
    if (type == kAudio) {
        bus->channelCount = 2;
        af_utf16_copy(bus->name, dir == kInput ? "Input" : "Output", 128);
    } else {
        bus->channelCount = 16;
        af_utf16_copy(bus->name, "Notes", 128);
    }
    return kResultOk;
}
static tresult c_routing(void *s, RoutingInfo *a, RoutingInfo *b) { (void)s; (void)a; (void)b; return kNotImplemented; }
static tresult c_activatebus(void *s, int32_t t, int32_t d, int32_t i, uint8_t st) {
    (void)st;
    return i == 0 && c_buscount(s, t, d) > 0 ? kResultOk : kInvalidArgument;
}
static tresult c_setactive(void *s, uint8_t state) { atomic_store(&P_c(s)->in->active, state != 0); return kResultOk; }
static tresult c_setstate(void *s, FUnknown *stream) {
    if (!stream) return kInvalidArgument;
    af_processor *p = P_c(s);
    int needsJava;
    int r = read_state(p->in, stream, &needsJava);
    if (needsJava) request_java_async(p);
    return r > 0 ? kResultOk : kResultFalse;
}
static tresult c_getstate(void *s, FUnknown *stream) {
    if (!stream) return kInvalidArgument;
    return write_state(P_c(s)->in, stream) == 0 ? kResultOk : kResultFalse;
}

static const IComponentVtbl componentVtbl = {
    c_query, c_addref, c_release, c_initialize, c_terminate, c_getcontroller, c_setiomode, c_buscount, c_businfo,
    c_routing, c_activatebus, c_setactive, c_setstate, c_getstate
};

static tresult a_query(void *s, const TUID iid, void **o) { return p_query(P_p(s), iid, o); }
static uint32_t a_addref(void *s) { return p_addref(P_p(s)); }
static uint32_t a_release(void *s) { return p_release(P_p(s)); }
static tresult a_setarr(void *s, SpeakerArrangement *in, int32_t ni, SpeakerArrangement *out, int32_t no) {
    (void)s;
    if (ni != 1 || no != 1 || !in || !out) return kResultFalse;
    return in[0] == kSpeakerStereo && out[0] == kSpeakerStereo ? kResultOk : kResultFalse;
}
static tresult a_getarr(void *s, int32_t dir, int32_t index, SpeakerArrangement *arr) {
    (void)s;
    if (index != 0 || !arr || (dir != kInput && dir != kOutput)) return kInvalidArgument;
    *arr = kSpeakerStereo;
    return kResultOk;
}
/* 64-bit costs nothing here: the mixer computes in double and the capture ring stores float either way. */
static tresult a_cansize(void *s, int32_t size) { (void)s; return size == kSample32 || size == kSample64 ? kResultOk : kResultFalse; }
static uint32_t a_latency(void *s) { (void)s; return 0; }
static tresult a_setup(void *s, ProcessSetup *setup) {
    af_processor *p = P_p(s);
    if (!setup || (setup->symbolicSampleSize != kSample32 && setup->symbolicSampleSize != kSample64)) return kResultFalse;
    if (af_instance_setup(p->in, setup->sampleRate, setup->maxSamplesPerBlock) != 0) return kResultFalse;
    const af_java_api *j = af_java_if_started();
    pthread_mutex_lock(&p->in->javaLock);
    if (p->in->javaId > 0 && j) JAVA_CALL(p->in, j->setup(p->in->javaId, setup->sampleRate, setup->maxSamplesPerBlock));
    pthread_mutex_unlock(&p->in->javaLock);
    return kResultOk;
}
static tresult a_setprocessing(void *s, uint8_t state) { atomic_store(&P_p(s)->in->processing, state != 0); return kResultOk; }

#ifdef AF_BREAK_RT
/* Deliberately broken builds for the test host: each must be caught (native/test/run-tests.sh). */
static void break_rt(af_instance *in) {
    if (!strcmp(AF_BREAK_RT, "java")) {
        const af_java_api *j = af_java_if_started();
        if (j && in->javaId > 0) j->debug(in->javaId, 2, 0);   /* enters Java without the counting macro */
    } else if (!strcmp(AF_BREAK_RT, "malloc")) {
        void *volatile m = malloc(64);
        free(m);
    } else if (!strcmp(AF_BREAK_RT, "lock")) {
        pthread_mutex_lock(&in->lock);
        pthread_mutex_unlock(&in->lock);
    }
}
#endif

static tresult a_process(void *s, ProcessData *d) {
    if (!d) return kInvalidArgument;
    if (d->symbolicSampleSize != kSample32 && d->symbolicSampleSize != kSample64) return kInvalidArgument;
    onAudioThread = 1;
    af_process_block(P_p(s)->in, d);
#ifdef AF_BREAK_RT
    break_rt(P_p(s)->in);
#endif
    onAudioThread = 0;
    return kResultOk;
}
static uint32_t a_tail(void *s) { (void)s; return 0; }

static const IAudioProcessorVtbl processorVtbl = {
    a_query, a_addref, a_release, a_setarr, a_getarr, a_cansize, a_latency, a_setup, a_setprocessing, a_process, a_tail
};

/* Exactly what process() reads from the ProcessContext: tempo, time signature, transport state (plus sample
 * rate and project time, which are always valid). */
static tresult r_query(void *s, const TUID iid, void **o) { return p_query(P_r(s), iid, o); }
static uint32_t r_addref(void *s) { return p_addref(P_r(s)); }
static uint32_t r_release(void *s) { return p_release(P_r(s)); }
static uint32_t r_requirements(void *s) { (void)s; return kNeedTempo | kNeedTimeSignature | kNeedTransportState; }
static const IProcessContextRequirementsVtbl contextRequirementsVtbl = {r_query, r_addref, r_release, r_requirements};

static tresult x_query(void *s, const TUID iid, void **o) { return p_query(P_x(s), iid, o); }
static uint32_t x_addref(void *s) { return p_addref(P_x(s)); }
static uint32_t x_release(void *s) { return p_release(P_x(s)); }
static int is_controller_connection(void *cp);
static void send_link(af_processor *p, FUnknown *other);
/* Connected to our controller directly, it links itself; through a host's proxy, a message tells it who we are. */
static tresult x_connect(void *s, FUnknown *other) {
    if (!other) return kInvalidArgument;
    if (!is_controller_connection(other)) send_link(P_x(s), other);
    return kResultOk;
}
static tresult x_disconnect(void *s, FUnknown *other) { (void)s; (void)other; return kResultOk; }
/*
 * Test hooks, reached the VST3 way (IConnectionPoint::notify with an IMessage) so that no extra symbol is exported:
 * "AceForge.debug.java" starts Java for this instance (reports "javaId"); "AceForge.debug.gc" starts GC pressure in
 * Java for attribute "ms" milliseconds; "AceForge.debug.clip" places a test clip; "AceForge.debug.stats" reports
 * "audioThreadJavaCalls", "blocks", "javaId" (0 while Java is not started; never starts it) and "gcCount".
 */
static tresult x_notify(void *s, FUnknown *m) {
    af_processor *p = P_x(s);
    if (!m) return kInvalidArgument;
    const IMessageVtbl *mv = (const IMessageVtbl *)m->vtbl;
    const char *id = mv->getMessageID(m);
    FUnknown *attrs = mv->getAttributes(m);
    if (!id || !attrs) return kResultFalse;
    const IAttributeListVtbl *av = (const IAttributeListVtbl *)attrs->vtbl;
    if (!strcmp(id, "AceForge.debug.java")) {
        av->setInt(attrs, "javaId", java_attach_instance(p->in) ? p->in->javaId : 0);
        return kResultOk;
    }
    if (!strcmp(id, "AceForge.debug.gc") || !strcmp(id, "AceForge.debug.clip")) {
        int gc = !strcmp(id, "AceForge.debug.gc");
        int64_t arg = 0;
        av->getInt(attrs, gc ? "ms" : "value", &arg);
        if (!java_attach_instance(p->in)) return kResultFalse;
        int64_t r;
        JAVA_CALL(p->in, r = af_java_if_started()->debug(p->in->javaId, gc ? 1 : 3, arg));
        av->setInt(attrs, gc ? "started" : "placed", r);
        return kResultOk;
    }
    if (!strcmp(id, "AceForge.debug.stats")) {
        av->setInt(attrs, "audioThreadJavaCalls", atomic_load(&p->in->javaCallsOnAudioThread));
        av->setInt(attrs, "blocks", atomic_load(&p->in->blocksProcessed));
        pthread_mutex_lock(&p->in->javaLock);
        int64_t javaId = p->in->javaId;
        pthread_mutex_unlock(&p->in->javaLock);
        av->setInt(attrs, "javaId", javaId);
        const af_java_api *j = af_java_if_started();
        if (javaId > 0 && j) {
            int64_t gcs;
            JAVA_CALL(p->in, gcs = j->debug(javaId, 2, 0));
            av->setInt(attrs, "gcCount", gcs);
        }
        return kResultOk;
    }
    return kResultFalse;
}

static const IConnectionPointVtbl processorConnectionVtbl = {x_query, x_addref, x_release, x_connect, x_disconnect, x_notify};

void *af_create_processor(void) {
    af_processor *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->in = af_instance_new();
    if (!p->in) { free(p); return NULL; }
    p->component = &componentVtbl;
    p->processor = &processorVtbl;
    p->connection = &processorConnectionVtbl;
    p->contextRequirements = &contextRequirementsVtbl;
    p->refs = 1;
    link_register(p);
    return &p->component;
}

int af_is_processor_connection(void *cp) { return cp && ((FUnknown *)cp)->vtbl == (const void *)&processorConnectionVtbl; }
static const IConnectionPointVtbl controllerConnectionVtbl;
static int is_controller_connection(void *cp) { return cp && ((FUnknown *)cp)->vtbl == (const void *)&controllerConnectionVtbl; }

/* ================= linking processor and controller through a host's connection proxy ================= */

/*
 * Hosts such as Ardour connect the two halves through their own proxy objects, so the controller never sees our
 * processor's connection point. The processor then sends an "AceForge.link" message (our own IMessage) carrying a
 * token; the controller finds the processor by that token in this registry. A token from anywhere else finds
 * nothing. Thread contract: host non-audio threads; linkLock is never held by the audio thread.
 */
typedef struct link_entry { int64_t token; af_processor *p; struct link_entry *next; } link_entry;
static pthread_mutex_t linkLock = PTHREAD_MUTEX_INITIALIZER;
static link_entry *links;
static _Atomic int64_t nextToken = 0x41464C4B00000001;

static void link_register(af_processor *p) {
    link_entry *e = malloc(sizeof *e);
    if (!e) return;
    p->linkToken = atomic_fetch_add(&nextToken, 1);
    pthread_mutex_lock(&linkLock);
    *e = (link_entry){p->linkToken, p, links};
    links = e;
    pthread_mutex_unlock(&linkLock);
}
static void link_unregister(af_processor *p) {
    pthread_mutex_lock(&linkLock);
    for (link_entry **e = &links; *e; e = &(*e)->next)
        if ((*e)->p == p) { link_entry *dead = *e; *e = dead->next; free(dead); break; }
    pthread_mutex_unlock(&linkLock);
}
/* The processor with this token, with a reference taken, or NULL (also when it is being released). */
static af_processor *link_find(int64_t token) {
    af_processor *found = NULL;
    pthread_mutex_lock(&linkLock);
    for (link_entry *e = links; e; e = e->next)
        if (e->token == token) {
            uint32_t r = atomic_load(&e->p->refs);
            while (r > 0 && !atomic_compare_exchange_weak(&e->p->refs, &r, r + 1)) {}
            if (r > 0) found = e->p;
            break;
        }
    pthread_mutex_unlock(&linkLock);
    return found;
}

typedef struct { const IAttributeListVtbl *vtbl; int64_t token; } link_attrs;
typedef struct { const IMessageVtbl *vtbl; _Atomic uint32_t refs; link_attrs attrs; } link_message;
static link_message *LM(void *s) { return (link_message *)s; }
static link_message *LA(void *s) { return CONTAINER(s, link_message, attrs); }
static uint32_t lm_addref(void *s) { return atomic_fetch_add(&LM(s)->refs, 1) + 1; }
static uint32_t lm_release(void *s) {
    uint32_t r = atomic_fetch_sub(&LM(s)->refs, 1) - 1;
    if (r == 0) free(s);
    return r;
}
static tresult lm_query(void *s, const TUID iid, void **o) {
    if (af_uid_equals(iid, AF_IID_FUNKNOWN) || af_uid_equals(iid, AF_IID_IMESSAGE)) { *o = s; lm_addref(s); return kResultOk; }
    *o = NULL;
    return kNoInterface;
}
static const char *lm_id(void *s) { (void)s; return "AceForge.link"; }
static void lm_setid(void *s, const char *id) { (void)s; (void)id; }
static FUnknown *lm_attrs(void *s) { return (FUnknown *)&LM(s)->attrs; }
static const IMessageVtbl linkMessageVtbl = {lm_query, lm_addref, lm_release, lm_id, lm_setid, lm_attrs};
static tresult la_query(void *s, const TUID iid, void **o) {
    if (af_uid_equals(iid, AF_IID_FUNKNOWN) || af_uid_equals(iid, AF_IID_IATTRIBUTELIST)) { *o = s; lm_addref(LA(s)); return kResultOk; }
    *o = NULL;
    return kNoInterface;
}
static uint32_t la_addref(void *s) { return lm_addref(LA(s)); }
static uint32_t la_release(void *s) { return lm_release(LA(s)); }
static tresult la_setint(void *s, const char *id, int64_t v) {
    if (!id || strcmp(id, "token")) return kResultFalse;
    ((link_attrs *)s)->token = v;
    return kResultOk;
}
static tresult la_getint(void *s, const char *id, int64_t *v) {
    if (!id || !v || strcmp(id, "token")) return kResultFalse;
    *v = ((link_attrs *)s)->token;
    return kResultOk;
}
static tresult la_none(void) { return kResultFalse; }
static const IAttributeListVtbl linkAttrsVtbl = {
    la_query, la_addref, la_release, la_setint, la_getint, (void *)la_none, (void *)la_none, (void *)la_none,
    (void *)la_none, (void *)la_none, (void *)la_none
};

static void send_link(af_processor *p, FUnknown *other) {
    link_message *m = calloc(1, sizeof *m);
    if (!m) return;
    m->vtbl = &linkMessageVtbl;
    m->refs = 1;
    m->attrs = (link_attrs){&linkAttrsVtbl, p->linkToken};
    ((const IConnectionPointVtbl *)other->vtbl)->notify(other, (FUnknown *)m);
    lm_release(m);
}

/* ================= controller ================= */

typedef struct af_controller {
    const IEditControllerVtbl *controller;
    const IConnectionPointVtbl *connection;
    _Atomic uint32_t refs;
    af_processor *peer;          /* referenced while connected */
    FUnknown *handler;
    double params[AF_PARAM_COUNT];
} af_controller;

static af_controller *C_e(void *s) { return CONTAINER(s, af_controller, controller); }
static af_controller *C_x(void *s) { return CONTAINER(s, af_controller, connection); }

static tresult k_q(af_controller *c, const TUID iid, void **obj) {
    if (af_uid_equals(iid, AF_IID_FUNKNOWN) || af_uid_equals(iid, AF_IID_IPLUGINBASE) || af_uid_equals(iid, AF_IID_IEDITCONTROLLER))
        *obj = &c->controller;
    else if (af_uid_equals(iid, AF_IID_ICONNECTIONPOINT)) *obj = &c->connection;
    else { *obj = NULL; return kNoInterface; }
    atomic_fetch_add(&c->refs, 1);
    return kResultOk;
}
static void unlink_peer(af_controller *c) {
    if (!c->peer) return;
    pthread_mutex_lock(&c->peer->in->lock);
    if (c->peer->in->componentHandler == c->handler) c->peer->in->componentHandler = NULL;
    pthread_mutex_unlock(&c->peer->in->lock);
    p_release(c->peer);
    c->peer = NULL;
}
static uint32_t k_release(af_controller *c) {
    uint32_t r = atomic_fetch_sub(&c->refs, 1) - 1;
    if (r == 0) {
        unlink_peer(c);
        if (c->handler) c->handler->vtbl->release(c->handler);
        free(c);
    }
    return r;
}

static tresult e_query(void *s, const TUID iid, void **o) { return k_q(C_e(s), iid, o); }
static uint32_t e_addref(void *s) { return atomic_fetch_add(&C_e(s)->refs, 1) + 1; }
static uint32_t e_release(void *s) { return k_release(C_e(s)); }
static tresult e_initialize(void *s, FUnknown *ctx) { (void)s; (void)ctx; return kResultOk; }
static tresult e_terminate(void *s) { unlink_peer(C_e(s)); return kResultOk; }
static tresult e_setcomponentstate(void *s, FUnknown *stream) {
    af_controller *c = C_e(s);
    if (!stream) return kInvalidArgument;
    char *data;
    int32_t len;
    if (af_stream_read_all(stream, &data, &len) != 0) return kResultFalse;
    af_state_header h;
    af_state_parse(data, len, &h);   /* the same checks as the processor: finite, in range, known version */
    free(data);
    for (int i = 0; i < AF_PARAM_COUNT; i++) c->params[i] = h.params[i];
    return h.refused ? kResultFalse : kResultOk;
}
static tresult e_setstate(void *s, FUnknown *st) { (void)s; (void)st; return kResultOk; }
static tresult e_getstate(void *s, FUnknown *st) { (void)s; (void)st; return kResultOk; }
static int32_t e_paramcount(void *s) { (void)s; return AF_PARAM_COUNT; }
static tresult e_paraminfo(void *s, int32_t index, ParameterInfo *info) {
    (void)s;
    const af_param_info *p = af_param_info_of(index);
    if (!p || !info) return kInvalidArgument;
    memset(info, 0, sizeof *info);
    info->id = (ParamID)p->id;
    info->flags = p->flags;
    info->stepCount = p->stepCount;
    info->defaultNormalizedValue = p->defaultNormalized;
    af_utf16_copy(info->title, p->title, 128);
    af_utf16_copy(info->shortTitle, p->shortTitle, 128);
    af_utf16_copy(info->units, p->units, 128);
    return kResultOk;
}
static tresult e_paramstring(void *s, ParamID id, ParamValue v, char16 *out) {
    (void)s;
    if (id >= AF_PARAM_COUNT || !out) return kInvalidArgument;
    char buf[64];
    double plain = af_param_to_plain((int)id, af_param_sanitize((int)id, v));
    if (id == AF_PARAM_BYPASS) snprintf(buf, sizeof buf, "%s", plain >= 0.5 ? "On" : "Off");
    else snprintf(buf, sizeof buf, id == AF_PARAM_MIX ? "%.0f" : "%.1f", plain);
    af_utf16_copy(out, buf, 128);
    return kResultOk;
}
static tresult e_paramvalue(void *s, ParamID id, char16 *str, ParamValue *v) {
    (void)s;
    if (id >= AF_PARAM_COUNT || !str || !v) return kInvalidArgument;
    char buf[64];
    int i = 0;
    for (; str[i] && i < 63; i++) buf[i] = (char)str[i];
    buf[i] = 0;
    if (id == AF_PARAM_BYPASS && (!strcasecmp(buf, "on") || !strcasecmp(buf, "off"))) {
        *v = !strcasecmp(buf, "on") ? 1.0 : 0.0;
        return kResultOk;
    }
    char *end;
    double p = strtod(buf, &end);
    if (end == buf || !isfinite(p)) return kResultFalse;
    *v = af_param_to_normalized((int)id, p);
    return kResultOk;
}
static ParamValue e_toplain(void *s, ParamID id, ParamValue v) { (void)s; return af_param_to_plain((int)id, v); }
static ParamValue e_tonorm(void *s, ParamID id, ParamValue p) { (void)s; return af_param_to_normalized((int)id, p); }
static ParamValue e_getparam(void *s, ParamID id) {
    af_controller *c = C_e(s);
    if (id >= AF_PARAM_COUNT) return 0;
    return c->peer ? af_param(c->peer->in, (int)id) : c->params[id];
}
static tresult e_setparam(void *s, ParamID id, ParamValue v) {
    af_controller *c = C_e(s);
    if (id >= AF_PARAM_COUNT || !af_param_valid((int)id, v)) return kInvalidArgument;
    c->params[id] = af_param_sanitize((int)id, v);
    /* The host also sends the change to the processor through process(); when it saves before the next block
     * (a headless session, a stopped engine), the processor's state must already hold it, so it is set here too. */
    if (c->peer) af_set_param(c->peer->in, (int)id, v);
    return kResultOk;
}
static tresult e_sethandler(void *s, FUnknown *h) {
    af_controller *c = C_e(s);
    if (h) h->vtbl->addRef(h);
    if (c->handler) c->handler->vtbl->release(c->handler);
    c->handler = h;
    if (c->peer) {
        pthread_mutex_lock(&c->peer->in->lock);
        c->peer->in->componentHandler = h;
        pthread_mutex_unlock(&c->peer->in->lock);
    }
    return kResultOk;
}
static void *e_createview(void *s, const char *name) {
    af_controller *c = C_e(s);
    if (!name || strcmp(name, "editor") != 0) return NULL;
    return af_create_view(c->peer ? c->peer->in : NULL, &c->controller);
}

static const IEditControllerVtbl controllerVtbl = {
    e_query, e_addref, e_release, e_initialize, e_terminate, e_setcomponentstate, e_setstate, e_getstate,
    e_paramcount, e_paraminfo, e_paramstring, e_paramvalue, e_toplain, e_tonorm, e_getparam, e_setparam,
    e_sethandler, e_createview
};

static tresult y_query(void *s, const TUID iid, void **o) { return k_q(C_x(s), iid, o); }
static uint32_t y_addref(void *s) { return atomic_fetch_add(&C_x(s)->refs, 1) + 1; }
static uint32_t y_release(void *s) { return k_release(C_x(s)); }
/* Links the controller to its processor, taking over the reference the caller holds on it. */
static void link_controller(af_controller *c, af_processor *p) {
    unlink_peer(c);
    c->peer = p;
    for (int i = 0; i < AF_PARAM_COUNT; i++) c->params[i] = af_param(p->in, i);
    pthread_mutex_lock(&p->in->lock);
    p->in->componentHandler = c->handler;
    pthread_mutex_unlock(&p->in->lock);
}
static tresult y_connect(void *s, FUnknown *other) {
    af_controller *c = C_x(s);
    if (!other) return kInvalidArgument;
    /* Both halves live in this module: link them directly instead of passing messages. */
    if (af_is_processor_connection(other)) {
        p_addref(P_x(other));
        link_controller(c, P_x(other));
    }
    return kResultOk;
}
static tresult y_disconnect(void *s, FUnknown *other) { (void)other; unlink_peer(C_x(s)); return kResultOk; }
static tresult y_notify(void *s, FUnknown *m) {
    if (!m) return kInvalidArgument;
    const IMessageVtbl *mv = (const IMessageVtbl *)m->vtbl;
    const char *id = mv->getMessageID(m);
    FUnknown *attrs = mv->getAttributes(m);
    int64_t token = 0;
    if (!id || strcmp(id, "AceForge.link") || !attrs ||
        ((const IAttributeListVtbl *)attrs->vtbl)->getInt(attrs, "token", &token) != kResultOk) return kResultFalse;
    af_processor *p = link_find(token);
    if (!p) return kResultFalse;
    link_controller(C_x(s), p);
    return kResultOk;
}

static const IConnectionPointVtbl controllerConnectionVtbl = {y_query, y_addref, y_release, y_connect, y_disconnect, y_notify};

void *af_create_controller(void) {
    af_controller *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->controller = &controllerVtbl;
    c->connection = &controllerConnectionVtbl;
    c->refs = 1;
    for (int i = 0; i < AF_PARAM_COUNT; i++) c->params[i] = af_param_default(i);
    return &c->controller;
}

/* ================= view ================= */

typedef struct af_view {
    const IPlugViewVtbl *view;
    _Atomic uint32_t refs;
    af_instance *in;
    void *controller;            /* referenced for the view's lifetime (keeps the instance alive) */
    void *message;               /* the X11 status panel */
    int javaEditor;
    ViewRect size;
} af_view;

static af_view *V(void *s) { return CONTAINER(s, af_view, view); }

static tresult v_query(void *s, const TUID iid, void **obj) {
    if (af_uid_equals(iid, AF_IID_FUNKNOWN) || af_uid_equals(iid, AF_IID_IPLUGVIEW)) {
        *obj = s;
        atomic_fetch_add(&V(s)->refs, 1);
        return kResultOk;
    }
    *obj = NULL;
    return kNoInterface;
}
static uint32_t v_addref(void *s) { return atomic_fetch_add(&V(s)->refs, 1) + 1; }
static tresult v_removed(void *s);
static uint32_t v_release(void *s) {
    af_view *v = V(s);
    uint32_t r = atomic_fetch_sub(&v->refs, 1) - 1;
    if (r == 0) {
        v_removed(s);
        FUnknown *c = v->controller;
        c->vtbl->release(c);
        free(v);
    }
    return r;
}
static tresult v_supported(void *s, const char *type) {
    (void)s;
    return type && strcmp(type, "X11EmbedWindowID") == 0 ? kResultTrue : kResultFalse;
}
static tresult v_attached(void *s, void *parent, const char *type) {
    af_view *v = V(s);
    if (v_supported(s, type) != kResultTrue) return kResultFalse;
    const char *text;
    char buf[1024];
    /* Opening the editor needs Java: started here if nothing needed it before (the host's UI thread waits). */
    if (v->in && java_attach_instance(v->in)) {
        int32_t r;
        JAVA_CALL(v->in, r = af_java_if_started()->editor_open(v->in->javaId, (int64_t)(intptr_t)parent));
        v->javaEditor = r == 0;
        text = v->javaEditor ? "AceForge: the editor is open in its own window." : "AceForge: the editor could not open; see the plugin log.";
    } else {
        char notice[320] = "";
        if (v->in) {
            pthread_mutex_lock(&v->in->javaLock);
            snprintf(notice, sizeof notice, "%s", v->in->notice);
            pthread_mutex_unlock(&v->in->javaLock);
        }
        snprintf(buf, sizeof buf, "AceForge cannot start its engine: %s. Audio passes through unchanged.%s%s",
                 v->in ? af_java_error() : "the plugin is not connected", notice[0] ? " " : "", notice);
        text = buf;
        af_log("editor: %s", buf);
    }
    v->message = af_xmsg_open((unsigned long)(intptr_t)parent, v->size.right, v->size.bottom, text);
    return kResultOk;
}
static tresult v_removed(void *s) {
    af_view *v = V(s);
    const af_java_api *j = af_java_if_started();
    if (v->javaEditor && v->in && j) {
        pthread_mutex_lock(&v->in->javaLock);
        int64_t id = v->in->javaId;
        pthread_mutex_unlock(&v->in->javaLock);
        int32_t r;
        if (id > 0) JAVA_CALL(v->in, r = j->editor_close(id));
        (void)r;
    }
    v->javaEditor = 0;
    af_xmsg_close(v->message);
    v->message = NULL;
    return kResultOk;
}
static tresult v_wheel(void *s, float d) { (void)s; (void)d; return kResultFalse; }
static tresult v_key(void *s, char16 k, int16_t c, int16_t m) { (void)s; (void)k; (void)c; (void)m; return kResultFalse; }
static tresult v_getsize(void *s, ViewRect *r) { if (!r) return kInvalidArgument; *r = V(s)->size; return kResultOk; }
static tresult v_onsize(void *s, ViewRect *r) { if (!r) return kInvalidArgument; V(s)->size = *r; return kResultOk; }
static tresult v_focus(void *s, uint8_t f) { (void)s; (void)f; return kResultOk; }
static tresult v_setframe(void *s, FUnknown *f) { (void)s; (void)f; return kResultOk; }
static tresult v_canresize(void *s) { (void)s; return kResultFalse; }
static tresult v_check(void *s, ViewRect *r) { (void)s; (void)r; return kResultOk; }

static const IPlugViewVtbl viewVtbl = {
    v_query, v_addref, v_release, v_supported, v_attached, v_removed, v_wheel, v_key, v_key, v_getsize, v_onsize,
    v_focus, v_setframe, v_canresize, v_check
};

void *af_create_view(af_instance *in, void *controller) {
    af_view *v = calloc(1, sizeof *v);
    if (!v) return NULL;
    v->view = &viewVtbl;
    v->refs = 1;
    v->in = in;
    v->controller = controller;
    ((FUnknown *)controller)->vtbl->addRef(controller);
    v->size = (ViewRect){0, 0, 520, 120};
    return &v->view;
}

