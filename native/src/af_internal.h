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
#define AF_BLOCK_RECORDS 65536

extern const af_uid AF_CID_PROCESSOR;
extern const af_uid AF_CID_CONTROLLER;

/* A rendered clip, owned by the shim: published to the audio thread with one atomic pointer store. */
typedef struct af_clip {
    float *data;             /* interleaved stereo */
    int64_t frames;
    int64_t timelineStart;   /* project sample where the clip starts */
    float gain;
} af_clip;

/* One block of captured input: where it sits in the ring and on the host timeline. */
typedef struct af_block_record {
    int64_t ringStart, timeline, frames, flags;
} af_block_record;

typedef struct af_instance {
    /* --- written by the audio thread, read by others --- */
    float *ring;                         /* interleaved stereo capture */
    int32_t ringFrames;
    _Atomic int64_t captureTotal;
    af_block_record *blocks;
    _Atomic int64_t blockSeq;
    _Atomic int64_t blocksProcessed;
    _Atomic int32_t inProcess;
    _Atomic int64_t javaCallsOnAudioThread;
    _Atomic uint64_t transportBits[AF_T_COUNT];   /* doubles stored as bits */
    /* --- written by controller/UI/Java, read by the audio thread --- */
    _Atomic(af_clip *) clips[AF_MAX_CLIPS];
    _Atomic uint64_t paramBits[AF_PARAM_COUNT];
    /* --- voices triggered by notes (audio thread only) --- */
    int64_t voicePos[AF_MAX_CLIPS];      /* −1 = idle */
    /* --- setup (host main thread) --- */
    double sampleRate;
    int32_t maxBlock;
    int32_t active, processing;
    /* --- Java side --- */
    int64_t javaId;                      /* 0 = no Java (message mode) */
    char *pendingState;                  /* state kept verbatim when Java is absent */
    int32_t pendingStateLength;
    void *componentHandler;              /* IComponentHandler* from the controller, for UI edits */
    pthread_mutex_t lock;                /* non-real-time fields only */
} af_instance;

/* rt.c */
af_instance *af_instance_new(void);
void af_instance_free(af_instance *in);
void af_process_block(af_instance *in, ProcessData *d);
double af_param(af_instance *in, int id);
void af_set_param(af_instance *in, int id, double v);
double af_gain_db(double normalized);
const af_shim_api *af_shim_api_table(void);

/* jvm.c */
const af_java_api *af_java(void);            /* NULL when Java could not start; af_java_error() says why */
const char *af_java_error(void);
void af_java_attach_thread(void);

/* objects */
void *af_create_processor(void);
void *af_create_controller(void);
void *af_create_view(af_instance *in, void *controller);
af_instance *af_processor_instance(void *processorIface);
int af_is_processor_connection(void *connectionPoint);

/* xmsg.c: a plain X11 window that shows a message when the Java editor is unavailable */
void *af_xmsg_open(unsigned long parent, int width, int height, const char *text);
void af_xmsg_close(void *handle);

/* module.c */
const char *af_bundle_dir(void);
void af_log(const char *fmt, ...);

/* stream helpers */
int af_stream_read_all(FUnknown *stream, char **data, int32_t *length);
int af_stream_write(FUnknown *stream, const void *data, int32_t length);
void af_utf16_copy(char16 *dst, const char *src, int max);

#endif
