// Exception entry: one stub per vector, a common frame builder, iretq back.
#include "guest/arch/x86/asm_defs.h"

// Vectors for which the CPU pushes an error code (SDM 6.15): 8, 10-14, 17, 21, 29, 30.
#define ERRCODE_VECTORS 0x60227d00

        .section .text, "ax"
        .code64

.macro STUB vec
        .p2align 4
exception_stub_\vec:
        .if ((1 << \vec) & ERRCODE_VECTORS) == 0
        pushq $0                // no CPU error code: keep the frame uniform
        .endif
        pushq $\vec
        jmp exception_common
.endm

.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        STUB \v
.endr

// The CPU aligned rsp to 16 before pushing its 5 words (SDM 6.14.2); with the
// error code, vector and 15 registers the frame is 22 words, so rsp is 16-byte
// aligned again at the call, as the ABI wants.
exception_common:
        cld
        pushq %rdi
        pushq %rsi
        pushq %rdx
        pushq %rcx
        pushq %rax
        pushq %r8
        pushq %r9
        pushq %r10
        pushq %r11
        pushq %rbx
        pushq %rbp
        pushq %r12
        pushq %r13
        pushq %r14
        pushq %r15
        movq %rsp, %rdi
        call do_exception
        popq %r15
        popq %r14
        popq %r13
        popq %r12
        popq %rbp
        popq %rbx
        popq %r11
        popq %r10
        popq %r9
        popq %r8
        popq %rax
        popq %rcx
        popq %rdx
        popq %rsi
        popq %rdi
        addq $16, %rsp          // vector and error code
        iretq

        .section .rodata, "a"
        .balign 8
        .globl exception_stubs
exception_stubs:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .quad exception_stub_\v
.endr

        .section .note.GNU-stack, "", @progbits
