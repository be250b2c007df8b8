/* vitrum: the C library (libvitrum). One umbrella header for the public API;
 * a C program can link it directly (pkg-config vitrum) without Lua. */
#ifndef VITRUM_H
#define VITRUM_H

#include "core/error.h"
#include "core/util.h"
#include "core/array.h"
#include "core/system.h"
#include "core/neighbor.h"
#include "core/cells.h"
#include "potential/potential.h"
#include "io/io.h"
#include "analysis/virial.h"
#include "analysis/stats.h"
#include "analysis/displacement.h"
#include "analysis/voronoi.h"
#include "analysis/order.h"
#include "analysis/structure.h"
#include "analysis/inherent.h"
#include "analysis/propensity.h"
#include "homogenize/virial.h"
#include "minimize/minimize.h"
#include "dynamics/md.h"
#include "analysis/correlator.h"
#include "analysis/timeseries.h"
#include "dynamics/swap_mc.h"
#include "elastic/hessian.h"
#include "sweep/store.h"
#include "sweep/proc.h"

#endif
