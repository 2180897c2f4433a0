/*
 * AceForge's own C declarations of the parts of the VST3 ABI it uses (Linux x86-64, COM_COMPATIBLE = 0),
 * written from the published facts in shared/spec/VST3-BRIDGE.md and its layout tables: result codes, struct
 * layouts, vtable slot order (base interface first, no virtual destructors), interface IDs.
 */
#ifndef AF_VST3_ABI_H
#define AF_VST3_ABI_H

#include <stdint.h>

typedef int32_t tresult;
typedef uint8_t TUID[16];
typedef uint16_t char16;
typedef uint32_t ParamID;
typedef double ParamValue;
typedef uint64_t SpeakerArrangement;

enum {
    kNoInterface = -1, kResultOk = 0, kResultTrue = 0, kResultFalse = 1, kInvalidArgument = 2,
    kNotImplemented = 3, kInternalError = 4, kNotInitialized = 5, kOutOfMemory = 6
};

enum { kAudio = 0, kEvent = 1 };                 /* MediaType */
enum { kInput = 0, kOutput = 1 };                /* BusDirection */
enum { kMain = 0, kAux = 1 };                    /* BusType */
enum { kDefaultActive = 1 };                     /* BusFlags */
enum { kSample32 = 0, kSample64 = 1 };           /* symbolicSampleSize */
enum { kNoteOnEvent = 0, kNoteOffEvent = 1 };
enum { kCanAutomate = 1, kIsBypass = 1 << 16 };  /* ParameterInfo flags */
enum { kDistributable = 1 };                     /* class flags */
enum { kSpeakerStereo = 3 };                     /* kSpeakerL | kSpeakerR */
enum { kSeekSet = 0, kSeekCur = 1, kSeekEnd = 2 };
/* IProcessContextRequirements flags: what process() reads from the ProcessContext */
enum { kNeedTempo = 1 << 6, kNeedTimeSignature = 1 << 7, kNeedTransportState = 1 << 10 };
/* ProcessContext state flags */
enum { kPlaying = 1 << 1, kTempoValid = 1 << 10, kTimeSigValid = 1 << 13, kProjectTimeMusicValid = 1 << 9 };

#pragma pack(push, 16)
typedef struct { char vendor[64]; char url[256]; char email[128]; int32_t flags; } PFactoryInfo;
typedef struct { TUID cid; int32_t cardinality; char category[32]; char name[64]; } PClassInfo;
typedef struct {
    TUID cid; int32_t cardinality; char category[32]; char name[64];
    uint32_t classFlags; char subCategories[128]; char vendor[64]; char version[64]; char sdkVersion[64];
} PClassInfo2;
typedef struct {
    TUID cid; int32_t cardinality; char category[32]; char16 name[64];
    uint32_t classFlags; char subCategories[128]; char16 vendor[64]; char16 version[64]; char16 sdkVersion[64];
} PClassInfoW;
typedef struct { int32_t processMode; int32_t symbolicSampleSize; int32_t maxSamplesPerBlock; double sampleRate; } ProcessSetup;
typedef struct { int32_t numChannels; uint64_t silenceFlags; union { float **channelBuffers32; double **channelBuffers64; }; } AudioBusBuffers;
typedef struct {
    uint32_t state; double sampleRate; int64_t projectTimeSamples; int64_t systemTime; int64_t continousTimeSamples;
    double projectTimeMusic; double barPositionMusic; double cycleStartMusic; double cycleEndMusic; double tempo;
    int32_t timeSigNumerator; int32_t timeSigDenominator; int32_t chord[3]; int32_t smpteOffsetSubframes;
    int32_t frameRate[2]; int32_t samplesToNextClock;
} ProcessContext;
struct IParameterChanges;
struct IEventList;
typedef struct {
    int32_t processMode; int32_t symbolicSampleSize; int32_t numSamples; int32_t numInputs; int32_t numOutputs;
    AudioBusBuffers *inputs; AudioBusBuffers *outputs;
    struct IParameterChanges *inputParameterChanges; struct IParameterChanges *outputParameterChanges;
    struct IEventList *inputEvents; struct IEventList *outputEvents; ProcessContext *processContext;
} ProcessData;
typedef struct { int16_t channel; int16_t pitch; float tuning; float velocity; int32_t length; int32_t noteId; } NoteOnEvent;
typedef struct { int16_t channel; int16_t pitch; float velocity; int32_t noteId; float tuning; } NoteOffEvent;
typedef struct {
    int32_t busIndex; int32_t sampleOffset; double ppqPosition; uint16_t flags; uint16_t type;
    union { NoteOnEvent noteOn; NoteOffEvent noteOff; uint8_t raw[24]; };
} Event;
typedef struct { int32_t mediaType; int32_t direction; int32_t channelCount; char16 name[128]; int32_t busType; uint32_t flags; } BusInfo;
typedef struct { int32_t mediaType; int32_t busIndex; int32_t channel; } RoutingInfo;
typedef struct {
    ParamID id; char16 title[128]; char16 shortTitle[128]; char16 units[128]; int32_t stepCount;
    ParamValue defaultNormalizedValue; int32_t unitId; int32_t flags;
} ParameterInfo;
typedef struct { int32_t left, top, right, bottom; } ViewRect;
#pragma pack(pop)

/* ---- interfaces: a pointer to a struct whose first member points to the vtable ---- */
#define AF_FUNKNOWN(T) \
    tresult (*queryInterface)(void *self, const TUID iid, void **obj); \
    uint32_t (*addRef)(void *self); \
    uint32_t (*release)(void *self)

typedef struct { AF_FUNKNOWN(void); } FUnknownVtbl;
typedef struct { const FUnknownVtbl *vtbl; } FUnknown;

typedef struct {
    AF_FUNKNOWN(void);
    tresult (*getFactoryInfo)(void *self, PFactoryInfo *info);
    int32_t (*countClasses)(void *self);
    tresult (*getClassInfo)(void *self, int32_t index, PClassInfo *info);
    tresult (*createInstance)(void *self, const char *cid, const char *iid, void **obj);
    tresult (*getClassInfo2)(void *self, int32_t index, PClassInfo2 *info);
    tresult (*getClassInfoUnicode)(void *self, int32_t index, PClassInfoW *info);
    tresult (*setHostContext)(void *self, FUnknown *context);
} IPluginFactory3Vtbl;

typedef struct {
    AF_FUNKNOWN(void);
    tresult (*initialize)(void *self, FUnknown *context);
    tresult (*terminate)(void *self);
    tresult (*getControllerClassId)(void *self, TUID classId);
    tresult (*setIoMode)(void *self, int32_t mode);
    int32_t (*getBusCount)(void *self, int32_t type, int32_t dir);
    tresult (*getBusInfo)(void *self, int32_t type, int32_t dir, int32_t index, BusInfo *bus);
    tresult (*getRoutingInfo)(void *self, RoutingInfo *inInfo, RoutingInfo *outInfo);
    tresult (*activateBus)(void *self, int32_t type, int32_t dir, int32_t index, uint8_t state);
    tresult (*setActive)(void *self, uint8_t state);
    tresult (*setState)(void *self, FUnknown *stream);
    tresult (*getState)(void *self, FUnknown *stream);
} IComponentVtbl;

typedef struct {
    AF_FUNKNOWN(void);
    tresult (*setBusArrangements)(void *self, SpeakerArrangement *inputs, int32_t numIns, SpeakerArrangement *outputs, int32_t numOuts);
    tresult (*getBusArrangement)(void *self, int32_t dir, int32_t index, SpeakerArrangement *arr);
    tresult (*canProcessSampleSize)(void *self, int32_t symbolicSampleSize);
    uint32_t (*getLatencySamples)(void *self);
    tresult (*setupProcessing)(void *self, ProcessSetup *setup);
    tresult (*setProcessing)(void *self, uint8_t state);
    tresult (*process)(void *self, ProcessData *data);
    uint32_t (*getTailSamples)(void *self);
} IAudioProcessorVtbl;

typedef struct {
    AF_FUNKNOWN(void);
    tresult (*initialize)(void *self, FUnknown *context);
    tresult (*terminate)(void *self);
    tresult (*setComponentState)(void *self, FUnknown *stream);
    tresult (*setState)(void *self, FUnknown *stream);
    tresult (*getState)(void *self, FUnknown *stream);
    int32_t (*getParameterCount)(void *self);
    tresult (*getParameterInfo)(void *self, int32_t index, ParameterInfo *info);
    tresult (*getParamStringByValue)(void *self, ParamID id, ParamValue value, char16 *string);
    tresult (*getParamValueByString)(void *self, ParamID id, char16 *string, ParamValue *value);
    ParamValue (*normalizedParamToPlain)(void *self, ParamID id, ParamValue value);
    ParamValue (*plainParamToNormalized)(void *self, ParamID id, ParamValue plain);
    ParamValue (*getParamNormalized)(void *self, ParamID id);
    tresult (*setParamNormalized)(void *self, ParamID id, ParamValue value);
    tresult (*setComponentHandler)(void *self, FUnknown *handler);
    void *(*createView)(void *self, const char *name);
} IEditControllerVtbl;

typedef struct {
    AF_FUNKNOWN(void);
    tresult (*connect)(void *self, FUnknown *other);
    tresult (*disconnect)(void *self, FUnknown *other);
    tresult (*notify)(void *self, FUnknown *message);
} IConnectionPointVtbl;

typedef struct {
    AF_FUNKNOWN(void);
    uint32_t (*getProcessContextRequirements)(void *self);
} IProcessContextRequirementsVtbl;

typedef struct {
    AF_FUNKNOWN(void);
    tresult (*isPlatformTypeSupported)(void *self, const char *type);
    tresult (*attached)(void *self, void *parent, const char *type);
    tresult (*removed)(void *self);
    tresult (*onWheel)(void *self, float distance);
    tresult (*onKeyDown)(void *self, char16 key, int16_t keyCode, int16_t modifiers);
    tresult (*onKeyUp)(void *self, char16 key, int16_t keyCode, int16_t modifiers);
    tresult (*getSize)(void *self, ViewRect *size);
    tresult (*onSize)(void *self, ViewRect *newSize);
    tresult (*onFocus)(void *self, uint8_t state);
    tresult (*setFrame)(void *self, FUnknown *frame);
    tresult (*canResize)(void *self);
    tresult (*checkSizeConstraint)(void *self, ViewRect *rect);
} IPlugViewVtbl;

/* ---- host-side interfaces we call ---- */
typedef struct {
    AF_FUNKNOWN(void);
    tresult (*read)(void *self, void *buffer, int32_t numBytes, int32_t *numBytesRead);
    tresult (*write)(void *self, void *buffer, int32_t numBytes, int32_t *numBytesWritten);
    tresult (*seek)(void *self, int64_t pos, int32_t mode, int64_t *result);
    tresult (*tell)(void *self, int64_t *pos);
} IBStreamVtbl;

typedef struct {
    AF_FUNKNOWN(void);
    ParamID (*getParameterId)(void *self);
    int32_t (*getPointCount)(void *self);
    tresult (*getPoint)(void *self, int32_t index, int32_t *sampleOffset, ParamValue *value);
    tresult (*addPoint)(void *self, int32_t sampleOffset, ParamValue value, int32_t *index);
} IParamValueQueueVtbl;

typedef struct {
    AF_FUNKNOWN(void);
    int32_t (*getParameterCount)(void *self);
    FUnknown *(*getParameterData)(void *self, int32_t index);
    FUnknown *(*addParameterData)(void *self, const ParamID *id, int32_t *index);
} IParameterChangesVtbl;

typedef struct {
    AF_FUNKNOWN(void);
    int32_t (*getEventCount)(void *self);
    tresult (*getEvent)(void *self, int32_t index, Event *e);
    tresult (*addEvent)(void *self, Event *e);
} IEventListVtbl;

typedef struct {
    AF_FUNKNOWN(void);
    tresult (*beginEdit)(void *self, ParamID id);
    tresult (*performEdit)(void *self, ParamID id, ParamValue value);
    tresult (*endEdit)(void *self, ParamID id);
    tresult (*restartComponent)(void *self, int32_t flags);
} IComponentHandlerVtbl;

typedef struct {
    AF_FUNKNOWN(void);
    tresult (*setInt)(void *self, const char *id, int64_t value);
    tresult (*getInt)(void *self, const char *id, int64_t *value);
    tresult (*setFloat)(void *self, const char *id, double value);
    tresult (*getFloat)(void *self, const char *id, double *value);
    tresult (*setString)(void *self, const char *id, const char16 *string);
    tresult (*getString)(void *self, const char *id, char16 *string, uint32_t sizeInBytes);
    tresult (*setBinary)(void *self, const char *id, const void *data, uint32_t sizeInBytes);
    tresult (*getBinary)(void *self, const char *id, const void **data, uint32_t *sizeInBytes);
} IAttributeListVtbl;

typedef struct {
    AF_FUNKNOWN(void);
    const char *(*getMessageID)(void *self);
    void (*setMessageID)(void *self, const char *id);
    FUnknown *(*getAttributes)(void *self);
} IMessageVtbl;

/* ---- interface IDs: four 32-bit words, laid out per the INLINE_UID rule of the platform ---- */
typedef struct { uint32_t l1, l2, l3, l4; } af_uid;
void af_uid_to_tuid(af_uid u, TUID out);   /* Linux/mac: each word big-endian */
int af_uid_equals(const void *tuid, af_uid u);

#define AF_IID_FUNKNOWN          ((af_uid){0x00000000, 0x00000000, 0xC0000000, 0x00000046})
#define AF_IID_IPLUGINBASE       ((af_uid){0x22888DDB, 0x156E45AE, 0x8358B348, 0x08190625})
#define AF_IID_IPLUGINFACTORY    ((af_uid){0x7A4D811C, 0x52114A1F, 0xAED9D2EE, 0x0B43BF9F})
#define AF_IID_IPLUGINFACTORY2   ((af_uid){0x0007B650, 0xF24B4C0B, 0xA464EDB9, 0xF00B2ABB})
#define AF_IID_IPLUGINFACTORY3   ((af_uid){0x4555A2AB, 0xC1234E57, 0x9B122910, 0x36878931})
#define AF_IID_ICOMPONENT        ((af_uid){0xE831FF31, 0xF2D54301, 0x928EBBEE, 0x25697802})
#define AF_IID_IAUDIOPROCESSOR   ((af_uid){0x42043F99, 0xB7DA453C, 0xA569E79D, 0x9AAEC33D})
#define AF_IID_IEDITCONTROLLER   ((af_uid){0xDCD7BBE3, 0x7742448D, 0xA874AACC, 0x979C759E})
#define AF_IID_IPROCESSCONTEXTREQUIREMENTS ((af_uid){0x2A654303, 0xEF764E3D, 0x95B5FE83, 0x730EF6D0})
#define AF_IID_ICONNECTIONPOINT  ((af_uid){0x70A4156F, 0x6E6E4026, 0x989148BF, 0xAA60D8D1})
#define AF_IID_IPLUGVIEW         ((af_uid){0x5BC32507, 0xD06049EA, 0xA6151B52, 0x2B755B29})
#define AF_IID_IPLUGFRAME        ((af_uid){0x367FAF01, 0xAFA94693, 0x8D4DA2A0, 0xED0882A3})
#define AF_IID_ICOMPONENTHANDLER ((af_uid){0x93A0BEA3, 0x0BD045DB, 0x8E890B0C, 0xC1E46AC6})
#define AF_IID_IMESSAGE          ((af_uid){0x936F033B, 0xC6C047DB, 0xBB0882F8, 0x13C1E613})
#define AF_IID_IATTRIBUTELIST    ((af_uid){0x1E5F0AEB, 0xCC7F4533, 0xA2544011, 0x38AD5EE4})
#define AF_IID_IBSTREAM          ((af_uid){0xC3BF6EA2, 0x30994752, 0x9B6BF990, 0x1EE33E9B})

#endif
