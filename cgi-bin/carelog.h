/* carelog.h — everything a carelog FastCGI program includes. */
#ifndef CARELOG_H
#define CARELOG_H

#include "framework/access.h"
#include "framework/config.h"
#include "data/db.h"
#include "data/rows.h"
#include "framework/http.h"
#include "framework/log.h"
#include "framework/route.h"
#include "framework/server.h"
#include "framework/session.h"
#include "util/util.h"
#include "framework/valid.h"

#endif
