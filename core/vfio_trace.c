// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one place the tracepoints of core/vfio_trace.h are instantiated, so
 * that the files emitting them only include the header.
 */
#define CREATE_TRACE_POINTS
#include "vfio_trace.h"
