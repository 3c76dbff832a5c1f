UNIT_TESTS += fw_cfg
test_fw_cfg_SRCS := tests/unit/test_fw_cfg.c kernel/drivers/fw_cfg.c tests/unit/support/panic.c
