// Constants shared by the guest's assembly (.S) and C++ code.
//
// Plain #defines so the assembler's preprocessor can read them; the C++ side
// checks each against the structure it describes with static_assert.
#pragma once

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER32_CS 0x1b  // placeholders keep the SYSRET layout (SDM vol. 2, SYSRET)
#define USER_DS 0x23
#define USER_CS 0x2b
#define GDT_TSS 0x30    // 16-byte 64-bit TSS descriptor, entries 6 and 7
#define GDT_ENTRIES 8

#define BOOT_STACK_SHIFT 14  // 16 KiB: each vCPU's boot (and idle/init task) stack
#define BOOT_STACK_SIZE (1 << BOOT_STACK_SHIFT)
#define THREAD_SIZE_ORDER 2  // kthread stacks: 16 KiB, order-2 pages
#define EXCEPTION_STACK_SIZE 4096  // #DF's IST stack, one per vCPU
#define IST_DOUBLE_FAULT 1

#define TASK_THREAD_SP 0  // offsetof(task_struct, thread.sp)

#define HC_PORT_IMM 0xe0  // abi::HC_PORT, for `outl %eax, $HC_PORT_IMM`
#define HC_YIELD_NR 0x05  // abi::HC_YIELD
#define MAX_VCPUS_ASM 64  // abi::MAX_VCPUS
