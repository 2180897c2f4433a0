/* The Java runtime and options AceForge starts (jvmcfg.c), shared by the shim and aceforge-jvm-probe. */
#ifndef AF_JVMCFG_H
#define AF_JVMCFG_H
#include <jni.h>
#include <limits.h>
#include <stddef.h>

#define AF_JVM_MAX_USER_OPTIONS 32
#define AF_JVM_MAX_OPTIONS (AF_JVM_MAX_USER_OPTIONS + 8)
#define AF_BRIDGE_CLASS "org/aceforge/bridge/vst3/Vst3Bridge"
#define AF_PROBE_OK "aceforge-jvm-probe: ok"

typedef struct {
    char javaHome[PATH_MAX];
    char *classpath;
    char *classpathOption;
    char *options[AF_JVM_MAX_USER_OPTIONS];
    int nOptions;
} af_jvm_config;

void af_jvm_config_read(const char *bundleDir, af_jvm_config *c);
void af_jvm_config_free(af_jvm_config *c);
/* The libjvm.so to load (1), or 0 when none of the candidates exists. */
int af_jvm_find_libjvm(const char *bundleDir, const af_jvm_config *c, char *out, size_t size);
/* Every option string the JVM is created with, in order; returns the count (≤ AF_JVM_MAX_OPTIONS). */
int af_jvm_options(af_jvm_config *c, const char **out);

/* The pending Java exception as its toString() (e.g. "java.lang.OutOfMemoryError: Java heap space"), then cleared. */
void af_jni_describe_exception(JNIEnv *env, char *out, size_t size);

#endif
