/* Internal declarations of the AceForge VST3 shim. */
#ifndef AF_INTERNAL_H
#define AF_INTERNAL_H
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include "vst3_abi.h"
#include "af_bridge.h"

#define AF_EXPORT __attribute__((visibility("default")))
#define AF_CAPTURE_SECONDS 600
#define AF_CAPTURE_HEADROOM_SECONDS 2   /* ring frames beyond the readable capacity, so readers rarely lose frames */
#define AF_BLOCK_RECORDS 65536

extern const af_uid AF_CID_PROCESSOR;
extern const af_uid AF_CID_CONTROLLER;

/* ---------------- parameters (params.c) ---------------- */
typedef struct {
    int id;
    const char *title, *shortTitle, *units;
    int stepCount;
    double defaultNormalized;
    int flags;
} af_param_info;
const af_param_info *af_param_info_of(int id);
double af_param_default(int id);
double af_param_to_plain(int id, double normalized);
double af_param_to_normalized(int id, double plain);
int af_param_valid(int id, double normalized);        /* finite and in [0, 1] */
double af_param_sanitize(int id, double normalized);  /* the default when invalid; switches snapped to 0/1 */
double af_gain_db(double normalized);

/* ---------------- state header (state.c) ---------------- */
#define AF_STATE_VERSION 2
#define AF_STATE_HEADER_SIZE (12 + 8 * AF_PARAM_COUNT)
typedef struct {
    double params[AF_PARAM_COUNT];   /* always valid (defaults where the blob had none or bad ones) */
    int32_t payloadOffset;           /* where Java's part starts; == length when there is none to hand on */
    int32_t version;
    int damaged, migrated, refused;
    char notice[320];                /* one sentence for the user, or "" */
} af_state_header;
void af_state_parse(const char *data, int32_t len, af_state_header *out);
int32_t af_state_header_write(const double *params, char *out);   /* writes AF_STATE_HEADER_SIZE bytes */

/* ---------------- real-time data (rt.c, capture.c) ---------------- */

/* A rendered clip, owned by the shim: published to the audio thread with one atomic pointer store. */
typedef struct af_clip {
    float *data;             /* interleaved stereo */
    int64_t frames;
    int64_t timelineStart;   /* project sample where the clip starts */
    float gain;
} af_clip;

/* The capture ring, sized from the host's sample rate; swapped as a whole (never resized in place). */
typedef struct af_ring {
    int64_t frames;          /* physical size: capacity + headroom */
    int64_t capacity;        /* what readers may ask for: AF_CAPTURE_SECONDS at the host's rate */
    int64_t firstFrame;      /* capture frame index of the first frame this ring holds (earlier ones are gone) */
    _Atomic float *data;     /* interleaved stereo; relaxed atomics, so a concurrent read is not a data race */
} af_ring;

/* One block of captured input: where it sits in the ring and on the host timeline (relaxed atomics, see above). */
typedef struct af_block_record {
    _Atomic int64_t ringStart, timeline, frames, flags;
} af_block_record;

typedef struct af_instance {
    /* --- written by the audio thread, read by others --- */
    _Atomic uint64_t epoch;                  /* odd while the audio thread is inside a block (see rt.c) */
    _Atomic int64_t captureTotal;            /* frames published to readers */
    _Atomic int64_t captureWriting;          /* frames the audio thread may be writing up to (≥ captureTotal) */
    af_block_record *blocks;
    _Atomic int64_t blockSeq;                /* block records published to readers */
    _Atomic int64_t blockWriting;            /* the sequence number of the record being written */
    _Atomic int64_t blocksProcessed;
    _Atomic int64_t javaCallsOnAudioThread;
    _Atomic uint64_t transportBits[AF_T_COUNT];   /* doubles stored as bits */
    /* --- written by controller/UI/Java/host setup, read by the audio thread --- */
    _Atomic(af_clip *) clips[AF_MAX_CLIPS];
    _Atomic(af_ring *) ring;
    _Atomic uint64_t paramBits[AF_PARAM_COUNT];
    _Atomic int32_t maxBlock;
    _Atomic double sampleRate;
    /* --- audio thread only --- */
    int64_t voicePos[AF_MAX_CLIPS];      /* −1 = idle; ≤ −2 = starts at sample offset −(v + 2) in this block */
    double bypassMix;                    /* 0 = processed, 1 = bypassed; ramps to avoid clicks */
    /* --- host setup thread --- */
    _Atomic int32_t active, processing;
    /* --- Java side (javaLock) --- */
    pthread_mutex_t javaLock;            /* javaId, pendingState, refusedState, attaching; never held by the audio thread */
    int64_t javaId;                      /* 0 = no Java yet (or none available) */
    int attaching;                       /* an asynchronous Java start for this instance is under way */
    char *pendingState;                  /* Java's part of a state, kept verbatim until Java takes it */
    int32_t pendingStateLength;
    char *pendingNotice;
    char *refusedState;                  /* a state from a newer version: written back verbatim */
    int32_t refusedStateLength;
    char notice[320];                    /* the last state notice, shown by the X11 panel when Java is absent */
    /* --- other non-real-time fields (lock) --- */
    pthread_mutex_t lock;                /* ring swaps against capture readers; the component handler */
    void *componentHandler;              /* IComponentHandler* from the controller, for UI edits */
} af_instance;

/* instance.c */
af_instance *af_instance_new(void);
void af_instance_free(af_instance *in);
int af_instance_setup(af_instance *in, double sampleRate, int32_t maxBlock);   /* sizes the capture ring */
double af_param(af_instance *in, int id);
void af_set_param(af_instance *in, int id, double v);

/* rt.c: the audio thread */
void af_process_block(af_instance *in, ProcessData *d);

/* capture.c: the real-time data as Java sees it; waiting for the audio thread to leave a block */
const af_shim_api *af_shim_api_table(void);
int af_rt_wait_quiescent(af_instance *in);   /* 1 when nothing the audio thread read before the call is in use */

/* jvm.c */
const af_java_api *af_java(void);            /* starts Java once (blocking); NULL when it could not; af_java_error() says why */
const af_java_api *af_java_if_started(void); /* never starts or waits */
const char *af_java_error(void);
void af_java_attach_thread(void);

/* objects */
void *af_create_processor(void);
void *af_create_controller(void);
void *af_create_view(af_instance *in, void *controller);
int af_is_processor_connection(void *connectionPoint);

/* xmsg.c: a plain X11 window that shows a message when the Java editor is unavailable */
void *af_xmsg_open(unsigned long parent, int width, int height, const char *text);
void af_xmsg_close(void *handle);

/* module.c */
const char *af_bundle_dir(void);
void af_module_pin(void);                    /* keeps this copy mapped for the life of the process */
void af_log(const char *fmt, ...);
void af_state_path(const char *name, char *path, size_t size);

/* stream helpers */
int af_stream_read_all(FUnknown *stream, char **data, int32_t *length);
int af_stream_write(FUnknown *stream, const void *data, int32_t length);
void af_utf16_copy(char16 *dst, const char *src, int max);

#endif
