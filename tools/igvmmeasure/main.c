/* SPDX-License-Identifier: MIT */
/* igvmmeasure: SEV-SNP launch digest, dump and ID block signing (cli.c). */
#include <stdio.h>

#include "igvmmeasure.h"

int main(int argc, char **argv)
{
	return igvmmeasure_run(argc, argv, stdout, stderr);
}
