// The entry point every guest image provides.
#pragma once

// Runs on the boot vCPU (as its init task) once every vCPU is online, the
// kernel page tables are loaded and the scheduler runs. Its result becomes
// HC_EXIT's status: 0 for success.
int image_main();
