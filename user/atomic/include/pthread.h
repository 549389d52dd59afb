/* Minimal POSIX threads over the kernel's CLONE_VM threads (user/atomic/libc.c). */
#ifndef ATOMIC_RT_PTHREAD_H
#define ATOMIC_RT_PTHREAD_H
typedef struct pthread *pthread_t;
typedef struct pthread_attr pthread_attr_t;
int pthread_create(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
int pthread_join(pthread_t, void **);
pthread_t pthread_self(void);
int sched_yield(void);
#endif
