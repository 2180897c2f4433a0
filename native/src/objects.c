/*
 * The VST3 objects: the processor (IComponent + IAudioProcessor + IConnectionPoint, one interface pointer each,
 * one reference count), the edit controller (IEditController + IConnectionPoint) and the plug view. Java is
 * reached only from host non-audio threads, through the flat af_java_api.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "af_internal.h"

#define CONTAINER(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

static __thread int onAudioThread;

/* Every call into Java goes through here: it counts calls made from inside process() (there must be none). */
#define JAVA_CALL(in, expr) do { \
        if (onAudioThread) atomic_fetch_add(&(in)->javaCallsOnAudioThread, 1); \
        af_java_attach_thread(); expr; } while (0)

/* ---------------- state framing: params in C, the rest is Java's JSON ---------------- */
static const char STATE_MAGIC[4] = {'A', 'F', 'S', 'T'};
#define STATE_VERSION 1

static int write_state(af_instance *in, FUnknown *stream) {
    char head[4 + 4 + 8 * AF_PARAM_COUNT];
    memcpy(head, STATE_MAGIC, 4);
    int32_t v = STATE_VERSION;
    memcpy(head + 4, &v, 4);
    for (int i = 0; i < AF_PARAM_COUNT; i++) { double p = af_param(in, i); memcpy(head + 8 + 8 * i, &p, 8); }
    if (af_stream_write(stream, head, sizeof head) != 0) return -1;
    if (in->javaId > 0 && af_java()) {
        int32_t r;
        JAVA_CALL(in, r = af_java()->get_state(in->javaId, (int64_t)(intptr_t)stream));
        return r;
    }
    /* Without Java, whatever the project held is kept verbatim, so nothing is lost. */
    if (in->pendingState && in->pendingStateLength > 0) return af_stream_write(stream, in->pendingState, in->pendingStateLength);
    return 0;
}

static int read_state(af_instance *in, FUnknown *stream) {
    char *data;
    int32_t len;
    if (af_stream_read_all(stream, &data, &len) != 0) return -1;
    int32_t off = 0;
    if (len >= (int32_t)(8 + 8 * AF_PARAM_COUNT) && memcmp(data, STATE_MAGIC, 4) == 0) {
        for (int i = 0; i < AF_PARAM_COUNT; i++) { double p; memcpy(&p, data + 8 + 8 * i, 8); af_set_param(in, i, p); }
        off = 8 + 8 * AF_PARAM_COUNT;
    }
    int r = 0;
    if (in->javaId > 0 && af_java()) {
        JAVA_CALL(in, r = af_java()->set_state(in->javaId, data + off, len - off));
        free(data);
    } else {
        free(in->pendingState);
        in->pendingState = malloc((size_t)(len - off) + 1);
        if (in->pendingState) { memcpy(in->pendingState, data + off, (size_t)(len - off)); in->pendingStateLength = len - off; }
        free(data);
    }
    return r;
}

/* ================= processor ================= */

typedef struct af_processor {
    const IComponentVtbl *component;
    const IAudioProcessorVtbl *processor;
    const IConnectionPointVtbl *connection;
    _Atomic uint32_t refs;
    af_instance *in;
    int initialized;
} af_processor;

static af_processor *P_c(void *s) { return CONTAINER(s, af_processor, component); }
static af_processor *P_p(void *s) { return CONTAINER(s, af_processor, processor); }
static af_processor *P_x(void *s) { return CONTAINER(s, af_processor, connection); }

static tresult p_query(af_processor *p, const TUID iid, void **obj) {
    if (af_uid_equals(iid, AF_IID_FUNKNOWN) || af_uid_equals(iid, AF_IID_IPLUGINBASE) || af_uid_equals(iid, AF_IID_ICOMPONENT))
        *obj = &p->component;
    else if (af_uid_equals(iid, AF_IID_IAUDIOPROCESSOR)) *obj = &p->processor;
    else if (af_uid_equals(iid, AF_IID_ICONNECTIONPOINT)) *obj = &p->connection;
    else { *obj = NULL; return kNoInterface; }
    atomic_fetch_add(&p->refs, 1);
    return kResultOk;
}
static uint32_t p_addref(af_processor *p) { return atomic_fetch_add(&p->refs, 1) + 1; }
static void java_detach_instance(af_instance *in);
static uint32_t p_release(af_processor *p) {
    uint32_t r = atomic_fetch_sub(&p->refs, 1) - 1;
    if (r == 0) {
        java_detach_instance(p->in);
        af_instance_free(p->in);
        free(p);
    }
    return r;
}

static tresult c_query(void *s, const TUID iid, void **o) { return p_query(P_c(s), iid, o); }
static uint32_t c_addref(void *s) { return p_addref(P_c(s)); }
static uint32_t c_release(void *s) { return p_release(P_c(s)); }

static void java_attach_instance(af_instance *in) {
    if (in->javaId > 0) return;
    const af_java_api *j = af_java();
    if (!j) { af_log("processor runs without Java: %s", af_java_error()); return; }
    int64_t id = 0;
    JAVA_CALL(in, id = j->instance_created((int64_t)(intptr_t)in));
    in->javaId = id > 0 ? id : 0;
    if (in->javaId > 0 && in->pendingState) {
        int r;
        JAVA_CALL(in, r = j->set_state(in->javaId, in->pendingState, in->pendingStateLength));
        (void)r;
        free(in->pendingState);
        in->pendingState = NULL;
        in->pendingStateLength = 0;
    }
}

static void java_detach_instance(af_instance *in) {
    if (in->javaId > 0 && af_java()) JAVA_CALL(in, af_java()->instance_destroyed(in->javaId));
    in->javaId = 0;
}

static tresult c_initialize(void *s, FUnknown *ctx) {
    (void)ctx;
    af_processor *p = P_c(s);
    if (p->initialized) return kResultFalse;
    p->initialized = 1;
    java_attach_instance(p->in);
    return kResultOk;
}
static tresult c_terminate(void *s) {
    af_processor *p = P_c(s);
    java_detach_instance(p->in);
    p->initialized = 0;
    return kResultOk;
}
static tresult c_getcontroller(void *s, TUID cid) { (void)s; af_uid_to_tuid(AF_CID_CONTROLLER, cid); return kResultOk; }
static tresult c_setiomode(void *s, int32_t m) { (void)s; (void)m; return kResultOk; }
static int32_t c_buscount(void *s, int32_t type, int32_t dir) {
    (void)s;
    if (type == kAudio) return 1;
    if (type == kEvent && dir == kInput) return 1;
    return 0;
}
static tresult c_businfo(void *s, int32_t type, int32_t dir, int32_t index, BusInfo *bus) {
    (void)s;
    if (index != 0) return kInvalidArgument;
    memset(bus, 0, sizeof *bus);
    bus->mediaType = type;
    bus->direction = dir;
    bus->busType = kMain;
    bus->flags = kDefaultActive;
    if (type == kAudio) {
        bus->channelCount = 2;
        af_utf16_copy(bus->name, dir == kInput ? "Input" : "Output", 128);
        return kResultOk;
    }
    if (type == kEvent && dir == kInput) {
        bus->channelCount = 16;
        af_utf16_copy(bus->name, "Notes", 128);
        return kResultOk;
    }
    return kInvalidArgument;
}
static tresult c_routing(void *s, RoutingInfo *a, RoutingInfo *b) { (void)s; (void)a; (void)b; return kNotImplemented; }
static tresult c_activatebus(void *s, int32_t t, int32_t d, int32_t i, uint8_t st) { (void)s; (void)t; (void)d; (void)i; (void)st; return kResultOk; }
static tresult c_setactive(void *s, uint8_t state) { P_c(s)->in->active = state; return kResultOk; }
static tresult c_setstate(void *s, FUnknown *stream) {
    if (!stream) return kInvalidArgument;
    return read_state(P_c(s)->in, stream) == 0 ? kResultOk : kResultFalse;
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
    if (ni != 1 || no != 1) return kResultFalse;
    return in[0] == kSpeakerStereo && out[0] == kSpeakerStereo ? kResultOk : kResultFalse;
}
static tresult a_getarr(void *s, int32_t dir, int32_t index, SpeakerArrangement *arr) {
    (void)s; (void)dir;
    if (index != 0) return kInvalidArgument;
    *arr = kSpeakerStereo;
    return kResultOk;
}
static tresult a_cansize(void *s, int32_t size) { (void)s; return size == kSample32 ? kResultOk : kResultFalse; }
static uint32_t a_latency(void *s) { (void)s; return 0; }
static tresult a_setup(void *s, ProcessSetup *setup) {
    af_processor *p = P_p(s);
    if (setup->symbolicSampleSize != kSample32) return kResultFalse;
    p->in->sampleRate = setup->sampleRate;
    p->in->maxBlock = setup->maxSamplesPerBlock;
    if (p->in->javaId > 0 && af_java()) JAVA_CALL(p->in, af_java()->setup(p->in->javaId, setup->sampleRate, setup->maxSamplesPerBlock));
    return kResultOk;
}
static tresult a_setprocessing(void *s, uint8_t state) { P_p(s)->in->processing = state; return kResultOk; }
static tresult a_process(void *s, ProcessData *d) {
    if (!d) return kInvalidArgument;
    if (d->symbolicSampleSize != kSample32) return kResultFalse;
    onAudioThread = 1;
    af_process_block(P_p(s)->in, d);
    onAudioThread = 0;
    return kResultOk;
}
static uint32_t a_tail(void *s) { (void)s; return 0; }

static const IAudioProcessorVtbl processorVtbl = {
    a_query, a_addref, a_release, a_setarr, a_getarr, a_cansize, a_latency, a_setup, a_setprocessing, a_process, a_tail
};

static tresult x_query(void *s, const TUID iid, void **o) { return p_query(P_x(s), iid, o); }
static uint32_t x_addref(void *s) { return p_addref(P_x(s)); }
static uint32_t x_release(void *s) { return p_release(P_x(s)); }
static tresult x_connect(void *s, FUnknown *other) { (void)s; return other ? kResultOk : kInvalidArgument; }
static tresult x_disconnect(void *s, FUnknown *other) { (void)s; (void)other; return kResultOk; }
/*
 * Test hooks, reached the VST3 way (IConnectionPoint::notify with an IMessage) so that no extra symbol is exported:
 * "AceForge.debug.gc" starts GC pressure in Java for attribute "ms" milliseconds; "AceForge.debug.stats" reports
 * "audioThreadJavaCalls", "blocks" and "javaId" back in the message's attributes.
 */
static tresult x_notify(void *s, FUnknown *m) {
    af_processor *p = P_x(s);
    if (!m) return kInvalidArgument;
    const IMessageVtbl *mv = (const IMessageVtbl *)m->vtbl;
    const char *id = mv->getMessageID(m);
    FUnknown *attrs = mv->getAttributes(m);
    if (!id || !attrs) return kResultFalse;
    const IAttributeListVtbl *av = (const IAttributeListVtbl *)attrs->vtbl;
    if (!strcmp(id, "AceForge.debug.gc")) {
        int64_t ms = 0;
        av->getInt(attrs, "ms", &ms);
        if (p->in->javaId <= 0 || !af_java()) return kResultFalse;
        int64_t r;
        JAVA_CALL(p->in, r = af_java()->debug(p->in->javaId, 1, ms));
        av->setInt(attrs, "started", r);
        return kResultOk;
    }
    if (!strcmp(id, "AceForge.debug.clip")) {
        int64_t value = 0;
        av->getInt(attrs, "value", &value);
        if (p->in->javaId <= 0 || !af_java()) return kResultFalse;
        int64_t r;
        JAVA_CALL(p->in, r = af_java()->debug(p->in->javaId, 3, value));
        av->setInt(attrs, "placed", r);
        return kResultOk;
    }
    if (!strcmp(id, "AceForge.debug.stats")) {
        av->setInt(attrs, "audioThreadJavaCalls", atomic_load(&p->in->javaCallsOnAudioThread));
        av->setInt(attrs, "blocks", atomic_load(&p->in->blocksProcessed));
        av->setInt(attrs, "javaId", p->in->javaId);
        if (p->in->javaId > 0 && af_java()) {
            int64_t gcs;
            JAVA_CALL(p->in, gcs = af_java()->debug(p->in->javaId, 2, 0));
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
    p->refs = 1;
    return &p->component;
}

int af_is_processor_connection(void *cp) { return cp && ((FUnknown *)cp)->vtbl == (const void *)&processorConnectionVtbl; }

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
    if (len >= (int32_t)(8 + 8 * AF_PARAM_COUNT) && memcmp(data, STATE_MAGIC, 4) == 0)
        for (int i = 0; i < AF_PARAM_COUNT; i++) memcpy(&c->params[i], data + 8 + 8 * i, 8);
    free(data);
    return kResultOk;
}
static tresult e_setstate(void *s, FUnknown *st) { (void)s; (void)st; return kResultOk; }
static tresult e_getstate(void *s, FUnknown *st) { (void)s; (void)st; return kResultOk; }
static int32_t e_paramcount(void *s) { (void)s; return AF_PARAM_COUNT; }
static tresult e_paraminfo(void *s, int32_t index, ParameterInfo *info) {
    (void)s;
    if (index < 0 || index >= AF_PARAM_COUNT) return kInvalidArgument;
    memset(info, 0, sizeof *info);
    info->id = (ParamID)index;
    info->flags = kCanAutomate;
    if (index == AF_PARAM_MIX) {
        af_utf16_copy(info->title, "Dry/Wet", 128);
        af_utf16_copy(info->shortTitle, "Mix", 128);
        af_utf16_copy(info->units, "%", 128);
        info->defaultNormalizedValue = 1.0;
    } else {
        af_utf16_copy(info->title, "Output Gain", 128);
        af_utf16_copy(info->shortTitle, "Gain", 128);
        af_utf16_copy(info->units, "dB", 128);
        info->defaultNormalizedValue = 60.0 / 72.0;
    }
    return kResultOk;
}
static double to_plain(ParamID id, double v) { return id == AF_PARAM_MIX ? v * 100.0 : af_gain_db(v); }
static double to_norm(ParamID id, double p) {
    double v = id == AF_PARAM_MIX ? p / 100.0 : (p + 60.0) / 72.0;
    return v < 0 ? 0 : v > 1 ? 1 : v;
}
static tresult e_paramstring(void *s, ParamID id, ParamValue v, char16 *out) {
    (void)s;
    if (id >= AF_PARAM_COUNT) return kInvalidArgument;
    char buf[64];
    snprintf(buf, sizeof buf, id == AF_PARAM_MIX ? "%.0f" : "%.1f", to_plain(id, v));
    af_utf16_copy(out, buf, 128);
    return kResultOk;
}
static tresult e_paramvalue(void *s, ParamID id, char16 *str, ParamValue *v) {
    (void)s;
    if (id >= AF_PARAM_COUNT || !str) return kInvalidArgument;
    char buf[64];
    int i = 0;
    for (; str[i] && i < 63; i++) buf[i] = (char)str[i];
    buf[i] = 0;
    char *end;
    double p = strtod(buf, &end);
    if (end == buf) return kResultFalse;
    *v = to_norm(id, p);
    return kResultOk;
}
static ParamValue e_toplain(void *s, ParamID id, ParamValue v) { (void)s; return to_plain(id, v); }
static ParamValue e_tonorm(void *s, ParamID id, ParamValue p) { (void)s; return to_norm(id, p); }
static ParamValue e_getparam(void *s, ParamID id) {
    af_controller *c = C_e(s);
    if (id >= AF_PARAM_COUNT) return 0;
    return c->peer ? af_param(c->peer->in, (int)id) : c->params[id];
}
static tresult e_setparam(void *s, ParamID id, ParamValue v) {
    af_controller *c = C_e(s);
    if (id >= AF_PARAM_COUNT) return kInvalidArgument;
    c->params[id] = v;
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
static tresult y_connect(void *s, FUnknown *other) {
    af_controller *c = C_x(s);
    if (!other) return kInvalidArgument;
    /* Both halves live in this module: link them directly instead of passing messages. */
    if (af_is_processor_connection(other)) {
        unlink_peer(c);
        c->peer = P_x(other);
        p_addref(c->peer);
        for (int i = 0; i < AF_PARAM_COUNT; i++) c->params[i] = af_param(c->peer->in, i);
        pthread_mutex_lock(&c->peer->in->lock);
        c->peer->in->componentHandler = c->handler;
        pthread_mutex_unlock(&c->peer->in->lock);
    }
    return kResultOk;
}
static tresult y_disconnect(void *s, FUnknown *other) { (void)other; unlink_peer(C_x(s)); return kResultOk; }
static tresult y_notify(void *s, FUnknown *m) { (void)s; (void)m; return kResultOk; }

static const IConnectionPointVtbl controllerConnectionVtbl = {y_query, y_addref, y_release, y_connect, y_disconnect, y_notify};

void *af_create_controller(void) {
    af_controller *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->controller = &controllerVtbl;
    c->connection = &controllerConnectionVtbl;
    c->refs = 1;
    c->params[AF_PARAM_MIX] = 1.0;
    c->params[AF_PARAM_GAIN] = 60.0 / 72.0;
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
    char buf[512];
    if (v->in && v->in->javaId > 0 && af_java()) {
        int32_t r;
        JAVA_CALL(v->in, r = af_java()->editor_open(v->in->javaId, (int64_t)(intptr_t)parent));
        v->javaEditor = r == 0;
        text = v->javaEditor ? "AceForge: the editor is open in its own window." : "AceForge: the editor could not open; see the plugin log.";
    } else {
        snprintf(buf, sizeof buf, "AceForge cannot start its engine: %s. Audio passes through unchanged.",
                 af_java() ? "the plugin is not connected" : af_java_error());
        text = buf;
    }
    v->message = af_xmsg_open((unsigned long)(intptr_t)parent, v->size.right, v->size.bottom, text);
    return kResultOk;
}
static tresult v_removed(void *s) {
    af_view *v = V(s);
    if (v->javaEditor && v->in && v->in->javaId > 0 && af_java()) {
        int32_t r;
        JAVA_CALL(v->in, r = af_java()->editor_close(v->in->javaId));
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

af_instance *af_processor_instance(void *processorIface) { return P_c(processorIface)->in; }
