/* carelog.h — everything a carelog FastCGI program includes. */
#ifndef CARELOG_H
#define CARELOG_H

#include "lib/access.h"
#include "lib/config.h"
#include "lib/db.h"
#include "lib/http.h"
#include "lib/log.h"
#include "lib/route.h"
#include "lib/server.h"
#include "lib/util.h"
#include "lib/valid.h"

#endif
