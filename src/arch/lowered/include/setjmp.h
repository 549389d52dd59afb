/* wasm-rt.h names jmp_buf in prototypes for wasm exceptions, which the kernel does not
 * use (WASM_RT_SKIP_SIGNAL_RECOVERY). The type only has to exist; nothing jumps. */
#ifndef KERNEL_SETJMP_H
#define KERNEL_SETJMP_H
typedef long jmp_buf[32];
#endif
