// The image entry point, shared by every vCPU (abi/boot_info.h):
// 64-bit mode on the VMM's boot tables, rdi = boot_info (direct map),
// rsi = vCPU id, rsp = 0. Pick this vCPU's boot stack, then go to C++.
#include "guest/arch/x86/asm_defs.h"

        .section .text.entry, "ax"
        .code64
        .globl _start
_start:
        cli
        cld
        cmpq $MAX_VCPUS_ASM, %rsi
        jae 2f
        // rsp = boot_stacks + (id + 1) * BOOT_STACK_SIZE: the top of this vCPU's stack.
        leaq 1(%rsi), %rax
        shlq $BOOT_STACK_SHIFT, %rax
        leaq boot_stacks(%rip), %rsp
        addq %rax, %rsp
        xorl %ebp, %ebp         // ends frame-pointer backtraces
        call x86_64_start_kernel        // (boot_info *, cpu), never returns
2:      // An id the kernel has no stack for: nothing safe to do but wait.
        movl $HC_YIELD_NR, %eax
        outl %eax, $HC_PORT_IMM
        jmp 2b

        .section .bss, "aw", @nobits
        .balign 4096
        .globl boot_stacks
boot_stacks:
        .skip MAX_VCPUS_ASM * BOOT_STACK_SIZE

        .section .note.GNU-stack, "", @progbits
