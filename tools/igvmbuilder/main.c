/* SPDX-License-Identifier: MIT */
/* igvmbuilder: the command line lives in cli.c so the tests can run it. */
#include "builder.h"

int main(int argc, char **argv)
{
	return igvmbuilder_run(argc, argv);
}
