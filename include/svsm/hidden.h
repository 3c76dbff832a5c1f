/* SPDX-License-Identifier: MIT */
/*
 * Force-included in kernel builds (-include): every declaration is hidden, so
 * the position-independent code the kernel is compiled as reaches symbols
 * RIP-relative instead of through a GOT the static link cannot relax at
 * the kernel's addresses above 0xffffff8000000000.
 */
#pragma GCC visibility push(hidden)
