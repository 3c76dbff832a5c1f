# SPDX-License-Identifier: MIT
# C SVSM: top-level build. See README.md for the targets and variables.

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

include mk/common.mk
include mk/host.mk
include mk/config.mk
include mk/target.mk
include mk/run.mk
