/* SPDX-License-Identifier: MIT */
/* Between the simulator's own files only. */
#ifndef TESTS_SIM_INTERNAL_H
#define TESTS_SIM_INTERNAL_H

#include "sim.h"

void sim_memory_reset(void);
void sim_rmp_reset(void);
void sim_hv_reset(void);
void sim_race_reset(void);

/* hv_nae.c: answers the NAE in the GHCB at gpa. */
void sim_nae(u64 gpa);
/* hv_psc.c: the page state change NAE (g is a struct ghcb *). */
void sim_psc_nae(void *g);
/* hv.c: records a termination request and leaves (longjmp or abort). */
__noreturn void sim_hv_terminate(u8 set, u8 code);

#endif
