/*
 * aceforge-jvm-probe LIBJVM [OPTION…]: creates a JVM from exactly this libjvm with exactly these options (and the
 * environment and limits it inherits), checks that AceForge's bridge class loads, and prints AF_PROBE_OK.
 *
 * Why a child process: JNI_CreateJavaVM does not return an error for every failure; a bad -javaagent, a heap too
 * small or too large for the address-space limit and similar end the calling process with exit(). Run inside a DAW
 * that would end the DAW. The shim runs this probe first and starts Java in the host only when it succeeded; when
 * it failed, the probe's own last words (the JVM's message) tell the user why.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <jni.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "jvmcfg.h"

typedef jint (*CreateVM)(JavaVM **, void **, void *);

typedef struct { CreateVM create; JavaVMInitArgs args; jint result; int classFound; char failure[400]; } job;

/* HotSpot wants a thread with a large stack, not the primordial one (as the shim does). */
static void *run(void *arg) {
    job *j = arg;
    JavaVM *vm;
    JNIEnv *env;
    j->result = j->create(&vm, (void **)&env, &j->args);
    if (j->result != JNI_OK) return NULL;
    jclass c = (*env)->FindClass(env, AF_BRIDGE_CLASS);
    j->classFound = c != NULL;
    if (!c) { (*env)->ExceptionClear(env); return NULL; }
    /* What the plugin needs from this JVM works: JNA's native part, logging, a working heap. */
    jmethodID probe = (*env)->GetStaticMethodID(env, c, "probe", "()Ljava/lang/String;");
    if (!probe) { (*env)->ExceptionClear(env); snprintf(j->failure, sizeof j->failure, "AceForge's Java bridge does not match this plugin binary"); return NULL; }
    (*env)->CallStaticObjectMethod(env, c, probe);
    if ((*env)->ExceptionCheck(env)) {
        char what[300];
        af_jni_describe_exception(env, what, sizeof what);
        snprintf(j->failure, sizeof j->failure, "AceForge's Java side cannot run: %s", what);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: aceforge-jvm-probe LIBJVM [OPTION...]\n"); return 2; }
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
    if (!lib) { printf("cannot load %s: %s\n", argv[1], dlerror()); return 3; }
    CreateVM create = (CreateVM)dlsym(lib, "JNI_CreateJavaVM");
    if (!create) { printf("the Java runtime is broken (JNI_CreateJavaVM missing)\n"); return 3; }
    JavaVMOption opts[AF_JVM_MAX_OPTIONS];
    int n = 0;
    for (int i = 2; i < argc && n < AF_JVM_MAX_OPTIONS; i++) opts[n++] = (JavaVMOption){argv[i], NULL};
    job j = {create, {JNI_VERSION_10, n, opts, JNI_FALSE}, JNI_ERR, 0, ""};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 8u << 20);
    pthread_t t;
    if (pthread_create(&t, &attr, run, &j) != 0) { printf("cannot create a thread\n"); return 3; }
    pthread_join(t, NULL);
    if (j.result != JNI_OK) { printf("the Java runtime refused its options (JNI error %d)\n", (int)j.result); return 4; }
    if (!j.classFound) { printf("AceForge's Java classes are missing from the plugin bundle\n"); return 5; }
    if (j.failure[0]) { printf("%s\n", j.failure); return 6; }
    printf("%s\n", AF_PROBE_OK);
    fflush(stdout);
    _exit(0);   /* no DestroyJavaVM: quick and quiet */
}
