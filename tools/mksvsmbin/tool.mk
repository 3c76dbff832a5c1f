# SPDX-License-Identifier: MIT
HOST_TOOLS += mksvsmbin
mksvsmbin_SRCS := tools/mksvsmbin/mksvsmbin.c
