/* SPDX-License-Identifier: GPL-3.0-or-later */
/* --expect-json's parser. */
#ifndef PT_OPTION_EXPECT_H
#define PT_OPTION_EXPECT_H

#include "run_config.h"
#include "util/buf.h"

#include <stdbool.h>

/* --expect-json's argument s into cfg; false with a reason in err. */
bool pt_option_expect(const char *s, struct pt_config *cfg, struct pt_buf *err);

#endif
