/*
 * A small X11 panel inside the host's editor window that shows one line of status text (used when the Java
 * editor runs in its own window, and when Java is unavailable). libX11 is loaded at run time on our own display
 * connection and served by our own thread, so the host's connection and run loop are never touched.
 */
#define _GNU_SOURCE
#include <X11/Xlib.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "af_internal.h"

typedef struct {
    Display *(*OpenDisplay)(const char *);
    int (*CloseDisplay)(Display *);
    Window (*CreateSimpleWindow)(Display *, Window, int, int, unsigned, unsigned, unsigned, unsigned long, unsigned long);
    int (*MapWindow)(Display *, Window);
    int (*DestroyWindow)(Display *, Window);
    int (*SelectInput)(Display *, Window, long);
    int (*Pending)(Display *);
    int (*NextEvent)(Display *, XEvent *);
    int (*DrawString)(Display *, Drawable, GC, int, int, const char *, int);
    int (*ClearWindow)(Display *, Window);
    int (*Flush)(Display *);
    GC (*DefaultGC_)(Display *, int);
} xlib;

typedef struct {
    xlib x;
    Display *dpy;
    Window win;
    char text[512];
    pthread_t thread;
    _Atomic int stop;
} xmsg;

static int load(xlib *x) {
    void *h = dlopen("libX11.so.6", RTLD_NOW | RTLD_LOCAL);
    if (!h) return -1;
#define SYM(f, n) if (!(x->f = dlsym(h, n))) return -1
    SYM(OpenDisplay, "XOpenDisplay"); SYM(CloseDisplay, "XCloseDisplay"); SYM(CreateSimpleWindow, "XCreateSimpleWindow");
    SYM(MapWindow, "XMapWindow"); SYM(DestroyWindow, "XDestroyWindow"); SYM(SelectInput, "XSelectInput");
    SYM(Pending, "XPending"); SYM(NextEvent, "XNextEvent"); SYM(DrawString, "XDrawString");
    SYM(ClearWindow, "XClearWindow"); SYM(Flush, "XFlush"); SYM(DefaultGC_, "XDefaultGC");
#undef SYM
    return 0;
}

static void draw(xmsg *m) {
    m->x.ClearWindow(m->dpy, m->win);
    GC gc = m->x.DefaultGC_(m->dpy, DefaultScreen(m->dpy));
    /* Wrap at ~70 characters per line. */
    const char *p = m->text;
    int y = 24;
    while (*p) {
        int n = (int)strlen(p);
        if (n > 70) { n = 70; while (n > 30 && p[n] != ' ') n--; }
        m->x.DrawString(m->dpy, m->win, gc, 12, y, p, n);
        p += n;
        while (*p == ' ') p++;
        y += 18;
    }
    m->x.Flush(m->dpy);
}

static void *loop(void *arg) {
    xmsg *m = arg;
    while (!atomic_load(&m->stop)) {
        while (m->x.Pending(m->dpy)) {
            XEvent e;
            m->x.NextEvent(m->dpy, &e);
            if (e.type == Expose) draw(m);
        }
        struct timespec ts = {0, 30 * 1000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

void *af_xmsg_open(unsigned long parent, int width, int height, const char *text) {
    xmsg *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    if (load(&m->x) != 0 || !(m->dpy = m->x.OpenDisplay(NULL))) { free(m); return NULL; }
    snprintf(m->text, sizeof m->text, "%s", text);
    m->win = m->x.CreateSimpleWindow(m->dpy, (Window)parent, 0, 0, (unsigned)width, (unsigned)height, 0,
                                     0x000000, 0xF2F2F2);
    m->x.SelectInput(m->dpy, m->win, ExposureMask);
    m->x.MapWindow(m->dpy, m->win);
    m->x.Flush(m->dpy);
    draw(m);
    if (pthread_create(&m->thread, NULL, loop, m) != 0) {
        m->x.DestroyWindow(m->dpy, m->win);
        m->x.CloseDisplay(m->dpy);
        free(m);
        return NULL;
    }
    return m;
}

void af_xmsg_close(void *handle) {
    xmsg *m = handle;
    if (!m) return;
    atomic_store(&m->stop, 1);
    pthread_join(m->thread, NULL);
    m->x.DestroyWindow(m->dpy, m->win);
    m->x.CloseDisplay(m->dpy);
    free(m);
}
