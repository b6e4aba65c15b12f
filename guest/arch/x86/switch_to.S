// Context switch between two tasks of the same CPU, and a new task's first entry.
#include "guest/arch/x86/asm_defs.h"

        .section .text, "ax"
        .code64

// task_struct *__switch_to_asm(task_struct *prev, task_struct *next)
// Saves the callee-saved registers on prev's stack, switches stacks, restores
// next's. Returns prev, as seen from the task that resumes: that is the task
// it was switched in from, which schedule() then finishes.
        .globl __switch_to_asm
__switch_to_asm:
        pushq %rbp
        pushq %rbx
        pushq %r12
        pushq %r13
        pushq %r14
        pushq %r15
        movq %rsp, TASK_THREAD_SP(%rdi)
        movq TASK_THREAD_SP(%rsi), %rsp
        popq %r15
        popq %r14
        popq %r13
        popq %r12
        popq %rbx
        popq %rbp
        movq %rdi, %rax
        ret

// A new task's first switch-in "returns" here (sched_prepare_task() put the
// address on its stack); rax = the task we came from.
        .globl ret_from_fork_asm
ret_from_fork_asm:
        movq %rax, %rdi
        call schedule_tail      // finishes the switch, runs the thread function, never returns
        ud2

        .section .note.GNU-stack, "", @progbits
