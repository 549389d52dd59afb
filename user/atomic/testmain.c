/* main() for GCC's tests: their own main is renamed gcc_test_main (objcopy, in
 * xtask/src/atomics.rs) and runs on a 4 MiB demand-zero stack, as a Linux process
 * would have (the kernel gives 256 KiB; c11-atomic-exec-7 needs more). */
#include "../rt/rt.h"

#define STACK (4u << 20)

int gcc_test_main(int argc, char **argv);
int call_on_stack(int (*fn)(int, char **), int argc, void *top);

__asm__(".text\n"
        ".global call_on_stack\n"
        ".type call_on_stack, @function\n"
        "call_on_stack:\n"
        "    push_s blink\n"
        "    push_s r13\n"
        "    mov    r13, sp\n"
        "    mov    sp, r2\n"
        "    mov    r2, r0\n"
        "    mov    r0, r1\n"
        "    mov    r1, 0\n"
        "    jl     [r2]\n"
        "    mov    sp, r13\n"
        "    pop_s  r13\n"
        "    pop_s  blink\n"
        "    j_s    [blink]\n"
        ".size call_on_stack, . - call_on_stack\n");

int main(int argc)
{
    long s = sys_mmap2(0, STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (is_err(s))
        return gcc_test_main(argc, 0);
    return call_on_stack(gcc_test_main, argc, (char *)s + STACK);
}
